"""A site lead (an animator with a site-wide membership on a periscolaire site) acts for the
site as a director for their school; an animator of a group stays limited to their groups."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from ent_lite import rules
from ent_lite.accounts.models import Role, User
from ent_lite.audience import keys
from ent_lite.conversations import services as conversations
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.posts import services as posts
from ent_lite.posts.models import Post
from ent_lite.school.models import Child, Establishment, EstablishmentKind

from tests import factories
from tests.city_life.factories import make_periscolaire_group

ENGLISH = {"Accept-Language": "en"}


def tokens(user) -> set[str]:
    return {t.token for t in rules.postable_targets(user)}


def children(user) -> set[str]:
    return set(db.session.scalars(rules.visible_children(user).with_only_columns(Child.first_name)))


def test_the_lead_posts_to_the_whole_site_or_any_of_its_groups(life, login_as):
    assert rules.led_site_ids(life.lead) == {life.site.id}
    assert tokens(life.lead) == {f"group:{g.public_id}" for g in (life.morning, life.evening, life.wednesday)} | {
        f"establishment:{life.site.public_id}"}
    page = login_as(life.lead).get("/news/new", headers=ENGLISH).get_data(as_text=True)
    assert "Whole site: Accueil périscolaire Jules Ferry" in page
    response = login_as(life.lead).post("/news/new", data={
        "title": "Nouveau club", "body": "Théâtre le jeudi", "targets": [f"establishment:{life.site.public_id}"]})
    post = db.session.scalar(select(Post))
    assert response.status_code == 302 and post.establishment_id == life.site.id
    # Every family of the site reads it: Awa's (evening, morning) and Léo's (Wednesday).
    for parent in (life.world.parent_a, life.world.parent_b):
        assert rules.can_read_post(parent, post)
    assert not rules.can_read_post(life.world.other_parent, post)


def test_a_group_animator_posts_to_their_group_only(life, login_as):
    animator = life.world.animator
    assert rules.led_site_ids(animator) == frozenset()
    assert tokens(animator) == {f"group:{life.evening.public_id}"}
    assert not rules.can_post_to(animator, (keys.ESTABLISHMENT, str(life.site.id)))
    assert not rules.can_post_to(animator, (keys.GROUP, str(life.morning.id)))
    client = login_as(animator)
    for target in (f"establishment:{life.site.public_id}", f"group:{life.morning.public_id}"):
        response = client.post("/news/new", data={"title": "T", "body": "B", "targets": [target]})
        assert response.status_code == 200
    assert db.session.scalar(select(Post)) is None


def test_the_lead_reads_manages_and_tracks_what_is_sent_from_the_site(life):
    post = posts.create_post(life.world.animator, "Sortie", "Au parc", [(keys.GROUP, str(life.evening.id))],
                             utcnow() - timedelta(minutes=1))
    db.session.commit()
    assert rules.can_read_post(life.lead, post)
    assert rules.can_see_read_stats(life.lead, post) and rules.can_track_post(life.lead, post)
    assert rules.can_delete_post(life.lead, post) and not rules.can_edit_post(life.lead, post)
    # The morning animator neither reads another group's post nor manages it.
    assert not rules.can_read_post(life.morning_animator, post)
    assert not rules.can_see_read_stats(life.morning_animator, post)
    assert not rules.can_delete_post(life.morning_animator, post)
    # A school's post is not the lead's.
    school_post = posts.create_post(life.world.director, "Kermesse", "Samedi",
                                    [(keys.ESTABLISHMENT, str(life.world.school.id))], utcnow())
    db.session.commit()
    assert not rules.can_see_read_stats(life.lead, school_post) and not rules.can_delete_post(life.lead, school_post)


def test_children_visibility_follows_the_site_and_the_groups(life):
    assert children(life.lead) == {"Awa", "Léo"}
    assert children(life.world.animator) == {"Awa"}
    assert children(life.morning_animator) == {"Awa"}
    assert "Inès" not in children(life.lead)  # other_child is in no group of the site


def test_the_lead_is_a_contact_and_a_reader_of_the_sites_threads(life):
    world = life.world
    contacts = rules.thread_contacts([world.child_b])
    assert {c.name for c in contacts if c.establishment_id == life.site.id} >= {"", life.lead.display_name}
    assert rules.staff_establishments_for(life.lead, world.child_b) == [life.site.id]
    thread, _ = conversations.start_child_thread(world.parent_b, world.child_b, life.site.id, "Mercredi",
                                              "Léo part à 16 h.", utcnow())
    db.session.commit()
    readers = set(db.session.scalars(rules.message_recipients(thread).with_only_columns(User.id)))
    assert life.lead.id in readers and world.animator.id not in readers and life.morning_animator.id not in readers
    assert rules.can_read_thread(life.lead, thread) and not rules.can_read_thread(world.animator, thread)


def test_a_site_wide_animator_on_a_school_runs_nothing(life):
    stray = factories.make_user(life.world.city, Role.ANIMATOR, "Lou", "Vidal")
    factories.add_membership(stray, life.world.school)
    db.session.commit()
    assert rules.led_site_ids(stray) == frozenset() and tokens(stray) == set() and children(stray) == set()
    assert rules.staff_establishments_for(stray, life.world.child_a) == []


def test_a_lead_reaches_nothing_of_another_city_and_invites_nobody(life):
    far = life.world.far
    far_site = Establishment(city=far.city, kind=EstablishmentKind.PERISCOLAIRE, name="Accueil Hugo")
    db.session.add(far_site)
    db.session.flush()
    far_group = make_periscolaire_group(far_site, "Soir", "evening")
    far_lead = factories.make_user(far.city, Role.ANIMATOR, "Jade", "Morin")
    factories.add_membership(far_lead, far_site)
    db.session.commit()
    assert tokens(far_lead) == {f"group:{far_group.public_id}", f"establishment:{far_site.public_id}"}
    assert children(far_lead) == set() and "Awa" not in children(far_lead)
    assert rules.invitable_roles(life.lead) == () and db.session.scalars(rules.invite_establishments(life.lead)).all() == []
    assert rules.directed_school_ids(life.lead) == frozenset()


def invited(client, email: str, **placement) -> int:
    return client.post("/staff/invite", data={"first_name": "Jeanne", "last_name": "Barret", "email": email,
                                              "role": "animator", **placement}).status_code


def test_an_admin_invites_a_site_lead_and_a_group_animator(life, login_as, mailbox):
    client = login_as(life.world.admin)
    assert invited(client, "lead@example.org", establishment=life.site.public_id) == 302
    assert invited(client, "soir@example.org", establishment=life.site.public_id,
                   groups=[life.evening.public_id]) == 302
    lead = db.session.scalar(select(User).where(User.email == "lead@example.org"))
    animator = db.session.scalar(select(User).where(User.email == "soir@example.org"))
    for person in (lead, animator):  # as once they accept the invitation
        person.password_hash = factories.password_hash()
    assert rules.led_site_ids(lead) == {life.site.id}
    assert rules.led_site_ids(animator) == frozenset() and tokens(animator) == {f"group:{life.evening.public_id}"}
