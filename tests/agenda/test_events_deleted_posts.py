"""What a deleted post leaves in the calendars: its event cancelled, still reaching the families
it was sent to (a post to criteria keeps its stored rule while the event uses it, the purge
takes both at the event's deletion instant), and the cancellation audited in the name of who
deleted the post."""
from __future__ import annotations

from datetime import timedelta

from icalendar import Calendar
from sqlalchemy import func, select

from ent_lite.agenda import retention as agenda_retention
from ent_lite.agenda.models import Event, EventAudience
from ent_lite.audience.models import AudienceRule, AudienceRulePart
from ent_lite.audit.models import AuditEntry
from ent_lite.extensions import db
from ent_lite.posts.models import Post
from ent_lite.privacy.purge import purge_category
from tests.agenda.event_factories import DAY
from tests.agenda.test_feeds_private import make_address

INSTANT = timedelta(microseconds=1)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def post_to_criteria(life, login_as, with_date=True) -> Post:
    """world.city_agent's post to the families of CP children (child_a: parent_a, parent_a2)."""
    data = {"title": "Soirée jeux", "body": "Venez jouer", "rule_levels": ["CP"]}
    if with_date:
        data |= {"event_date": DAY.isoformat(), "event_time": "18:00", "event_place": "Accueil du soir"}
    response = login_as(life.world.city_agent).post("/news/new", data=data)
    assert response.status_code == 302
    return db.session.scalars(select(Post)).one()


def post_to_criteria_again(life, login_as) -> Post:
    data = {"title": "Fête du CP", "body": "Au gymnase", "rule_levels": ["CP"], "event_date": DAY.isoformat()}
    assert login_as(life.world.city_agent).post("/news/new", data=data).status_code == 302
    return db.session.scalars(select(Post).where(Post.title == "Fête du CP")).one()


def feed_events(client, path) -> dict[str, str]:
    """{title: STATUS} of the events a private feed carries (no login)."""
    client.post("/logout")
    response = client.get(path)
    assert response.status_code == 200
    return {str(e["SUMMARY"]): str(e.get("STATUS", "")) for e in Calendar.from_ical(response.data).walk("VEVENT")}


def test_a_deleted_post_to_criteria_still_tells_its_families_the_event_is_cancelled(life, login_as, client):
    world = life.world
    post = post_to_criteria(life, login_as)
    path = make_address(client, login_as, world.parent_a)
    assert feed_events(client, path) == {"Soirée jeux": "CONFIRMED"}
    login_as(world.city_agent)
    assert client.post(f"/news/{post.public_id}/delete").status_code == 302
    db.session.expire_all()
    assert feed_events(client, path) == {"Soirée jeux": "CANCELLED"}
    (rule,) = db.session.scalars(select(AudienceRule)).all()
    assert rule.post_id is None and count(AudienceRulePart) == 1  # detached, kept for the event
    # Still only the families the rule names: Léo (CE1) is not a CP.
    assert feed_events(client, make_address(client, login_as, world.parent_b)) == {}


def test_a_deleted_post_to_criteria_without_a_date_takes_its_rule_along(life, login_as, client):
    post = post_to_criteria(life, login_as, with_date=False)
    login_as(life.world.city_agent)
    assert client.post(f"/news/{post.public_id}/delete").status_code == 302
    assert count(AudienceRule) == 0 and count(AudienceRulePart) == 0


def test_the_purge_takes_the_detached_rule_with_its_last_event_at_the_exact_instant(app, life, login_as, client):
    world = life.world
    kept = post_to_criteria(life, login_as, with_date=False)  # another post, its rule attached
    post = post_to_criteria_again(life, login_as)
    login_as(world.city_agent)
    client.post(f"/news/{post.public_id}/delete")
    event = db.session.scalars(select(Event).where(Event.title == "Fête du CP")).one()
    (detached,) = db.session.scalars(select(AudienceRule).where(AudienceRule.post_id.is_(None))).all()
    deletion = agenda_retention.deletion_date(event)
    assert kept.published_dt < deletion  # the post is as old as the event: both due together
    event_id, rule_id = event.id, detached.id

    purge_category("class_content", deletion)
    db.session.expire_all()
    assert db.session.get(Event, event_id) is not None and db.session.get(AudienceRule, rule_id) is not None
    assert count(AudienceRule) == 2  # the other post's too

    # The DPO's dry run counts the rules the real run deletes with their last event.
    planned = purge_category("class_content", deletion + INSTANT, dry_run=True)
    assert planned.by_table["audience_rule"] == 2 and planned.by_table["agenda_event"] == 1
    assert db.session.get(AudienceRule, rule_id) is not None

    done = purge_category("class_content", deletion + INSTANT)
    assert done.by_table["audience_rule"] == planned.by_table["audience_rule"]
    db.session.expire_all()
    assert db.session.get(Event, event_id) is None and count(EventAudience) == 0
    assert count(AudienceRule) == 0 and count(AudienceRulePart) == 0 and count(Post) == 0


def test_a_rule_an_event_still_uses_is_never_purged(life, login_as, client):
    post = post_to_criteria(life, login_as)
    login_as(life.world.city_agent)
    client.post(f"/news/{post.public_id}/delete")
    assert db.session.scalars(agenda_retention.unused_rules()).all() == []


def test_the_cancellation_names_the_director_who_deleted_a_teachers_post(world, login_as, client):
    login_as(world.teacher_a)
    client.post("/news/new", data={"title": "Sortie au musée", "body": "Prévoir un goûter.",
                                   "targets": [f"group:{world.class_a.public_id}"], "event_date": DAY.isoformat()})
    post = db.session.scalars(select(Post)).one()
    event = db.session.scalars(select(Event)).one()
    login_as(world.director)
    assert client.post(f"/news/{post.public_id}/delete").status_code == 302
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "event.cancel")).one()
    assert entry.target_ref == f"event:{event.public_id}"
    assert (entry.actor_ref, entry.actor_role) == (f"user:{world.director.public_id}", "director")
    created = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "event.create")).one()
    assert created.actor_ref == f"user:{world.teacher_a.public_id}"  # the author wrote it


def test_the_author_deleting_their_own_post_is_named_too(world, login_as, client):
    login_as(world.teacher_a)
    client.post("/news/new", data={"title": "Sortie", "body": "x", "event_date": DAY.isoformat(),
                                   "targets": [f"group:{world.class_a.public_id}"]})
    post = db.session.scalars(select(Post)).one()
    client.post(f"/news/{post.public_id}/delete")
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "event.cancel")).one()
    assert entry.actor_ref == f"user:{world.teacher_a.public_id}"

