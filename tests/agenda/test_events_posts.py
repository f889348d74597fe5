"""A date attached to a post: the event follows the post's audience, publication, edits and
deletion; the post page links to it."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from ent_lite.agenda.models import Event, EventAudience
from ent_lite.audit.models import AuditEntry
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.posts.models import Post
from ent_lite.rules import can_view_event
from tests.agenda.event_factories import DAY
from tests.posts.helpers import add_city_service


def post_form(world, **overrides):
    values = {"title": "Sortie au musée", "body": "Prévoir un goûter.", "targets": [f"group:{world.class_a.public_id}"],
              "event_date": DAY.isoformat(), "event_time": "09:00", "event_end_time": "16:00",
              "event_place": "Musée des Beaux-Arts"}
    return {**values, **overrides}


def the_event() -> Event:
    return db.session.scalars(select(Event)).one()


def test_a_teachers_post_with_a_date_puts_it_in_the_calendar_of_its_families(world, login_as, client):
    login_as(world.teacher_a)
    page = client.get("/news/new").get_data(as_text=True)
    assert "Ajouter une date à l’agenda" in page and 'name="event_date"' in page
    response = client.post("/news/new", data=post_form(world))
    post = db.session.scalars(select(Post)).one()
    event = the_event()
    assert response.status_code == 302
    assert (event.post_id, event.title, event.establishment_id, event.author_id) == (
        post.id, "Sortie au musée", world.school.id, world.teacher_a.id)
    assert [(a.kind, a.value) for a in event.audience] == [("group", str(world.class_a.id))]
    assert event.published_dt == post.published_dt and event.place == "Musée des Beaux-Arts"
    assert can_view_event(world.parent_a, event) and not can_view_event(world.parent_b, event)
    login_as(world.parent_a)
    page = client.get(f"/news/{post.public_id}").get_data(as_text=True)
    assert f'href="/agenda/evenements/{event.public_id}"' in page
    assert "de 9\u00a0h à 16\u00a0h" in page
    login_as(world.parent_b)
    assert client.get(f"/agenda/evenements/{event.public_id}").status_code == 404


def test_a_post_without_a_date_makes_no_event(world, login_as, client):
    login_as(world.teacher_a)
    client.post("/news/new", data=post_form(world, event_date="", event_time="", event_end_time="", event_place=""))
    assert db.session.scalars(select(Post)).one() and db.session.scalars(select(Event)).all() == []


def test_a_scheduled_posts_event_waits_for_the_post(world, login_as, client):
    tomorrow = DAY - timedelta(days=5)
    login_as(world.teacher_a)
    client.post("/news/new", data=post_form(world, publish_date=tomorrow.isoformat(), publish_time="08:00"))
    event, post = the_event(), db.session.scalars(select(Post)).one()
    assert event.published_dt == post.published_dt > utcnow()
    assert not can_view_event(world.parent_a, event, utcnow())
    assert not can_view_event(world.parent_a, event, post.published_dt - timedelta(microseconds=1))
    assert can_view_event(world.parent_a, event, post.published_dt)
    assert can_view_event(world.teacher_a, event, utcnow())  # its author sees it meanwhile


def test_a_scheduled_post_deleted_or_undated_before_publication_leaves_no_event(world, login_as, client):
    """No calendar has seen its date yet: a cancellation would appear at the planned hour."""
    later = DAY - timedelta(days=5)
    login_as(world.teacher_a)
    scheduled = post_form(world, publish_date=later.isoformat(), publish_time="08:00")
    client.post("/news/new", data=scheduled)
    post = db.session.scalars(select(Post)).one()
    client.post(f"/news/{post.public_id}/edit", data={**scheduled, "event_date": "", "event_time": "",
                                                       "event_end_time": "", "event_place": ""})
    assert db.session.scalars(select(Event)).all() == []
    client.post(f"/news/{post.public_id}/edit", data=scheduled)
    assert the_event().cancelled_dt is None
    assert client.post(f"/news/{post.public_id}/delete").status_code == 302
    db.session.expire_all()
    assert db.session.scalars(select(Event)).all() == []
    assert db.session.scalars(select(EventAudience)).all() == []  # none left for a later event's id
    audited = db.session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("event.%"))
                                 .order_by(AuditEntry.id)).all()
    assert audited == ["event.create", "event.delete", "event.create", "event.delete"]


def test_editing_the_post_updates_its_event_and_removing_the_date_cancels_it(world, login_as, client):
    login_as(world.teacher_a)
    client.post("/news/new", data=post_form(world))
    post = db.session.scalars(select(Post)).one()
    page = client.get(f"/news/{post.public_id}/edit").get_data(as_text=True)
    assert f'value="{DAY.isoformat()}"' in page and 'value="Musée des Beaux-Arts"' in page
    edit = post_form(world, body="Prévoir un goûter et une casquette.")
    client.post(f"/news/{post.public_id}/edit", data=edit)
    assert the_event().sequence == 0  # the body is not in the calendar
    client.post(f"/news/{post.public_id}/edit", data={**edit, "title": "Sortie au musée (car à 8 h 45)",
                                                       "event_time": "08:45"})
    event = the_event()
    assert (event.sequence, event.title, event.start_time.hour) == (1, "Sortie au musée (car à 8 h 45)", 8)
    client.post(f"/news/{post.public_id}/edit", data={**edit, "event_date": "", "event_time": "",
                                                       "event_end_time": "", "event_place": ""})
    event = the_event()
    assert event.cancelled_dt is not None and event.sequence == 2
    assert f"/agenda/evenements/{event.public_id}" not in client.get(f"/news/{post.public_id}").get_data(as_text=True)
    client.post(f"/news/{post.public_id}/edit", data=edit)  # the date given again brings it back
    event = the_event()
    assert event.cancelled_dt is None and event.sequence == 3


def test_deleting_the_post_cancels_its_event_and_keeps_it_for_the_calendars(world, login_as, client):
    login_as(world.teacher_a)
    client.post("/news/new", data=post_form(world))
    post = db.session.scalars(select(Post)).one()
    login_as(world.director)  # the director of the school may delete it too
    assert client.post(f"/news/{post.public_id}/delete").status_code == 302
    db.session.expire_all()
    event = the_event()
    assert event.cancelled_dt is not None and event.sequence == 1 and event.post_id is None
    login_as(world.parent_a)
    assert "Annulé" in client.get(f"/agenda/evenements/{event.public_id}").get_data(as_text=True)


def test_date_errors_on_the_compose_page_keep_the_post(world, login_as, client, english):
    login_as(world.teacher_a)
    cases = [({"event_time": "", "event_end_time": "10:00"}, "event_end_time", "Give a start time before an end time."),
             ({"event_end_time": "08:00"}, "event_end_time", "The end must come after the start."),
             ({"event_end_date": (DAY - timedelta(days=2)).isoformat()}, "event_end_date",
              "The end must come after the start."),
             ({"event_date": ""}, "event_date", "Give the day of the event, or leave its other fields empty.")]
    for change, name, message in cases:
        response = client.post("/news/new", data=post_form(world, **change))
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and message in page and f'id="{name}-error"' in page, change
        assert "Prévoir un goûter.</textarea>" in page and "<details class=\"field part\" id=\"part-event\" open>" in page
    assert db.session.scalars(select(Post)).all() == [] and db.session.scalars(select(Event)).all() == []


def test_optional_city_information_carries_no_date(world, login_as, client, english):
    add_city_service(world)
    login_as(world.city_agent)
    response = client.post("/news/new", data=post_form(world, targets=["all:*"], optional_info="y"))
    assert response.status_code == 200 and "Optional city information cannot add a date" in \
        response.get_data(as_text=True)
    assert db.session.scalars(select(Event)).all() == []


def test_a_city_posts_date_reaches_the_whole_city_not_the_other_city(world, login_as, client):
    add_city_service(world)
    login_as(world.city_agent)
    client.post("/news/new", data=post_form(world, targets=["all:*"]))
    event = the_event()
    assert can_view_event(world.other_parent, event) and not can_view_event(world.far.parent, event)
