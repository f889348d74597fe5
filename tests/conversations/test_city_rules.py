"""Issue 12 §5: a city service's shared inbox, one rule for reading, writing, closing and
notifying (``ent_lite.rules.city_services``), on the ``life`` world."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from ent_lite import rules
from ent_lite.accounts.models import Role
from ent_lite.conversations import services
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.school.models import Establishment, EstablishmentKind
from tests import factories
from tests.conversations.helpers import make_post

EVERYONE = ["teacher_a", "teacher_b", "other_teacher", "director", "animator", "city_agent", "admin", "dpo",
            "parent_a", "parent_a2", "parent_b", "other_parent"]


def other_service(world):
    """A second service of the same city, with its own agent."""
    sport = Establishment(city=world.city, kind=EstablishmentKind.SERVICE, name="Service des Sports")
    db.session.add(sport)
    db.session.flush()
    agent = factories.make_user(world.city, Role.CITY_AGENT, "Hugo", "Blanc")
    factories.add_membership(agent, sport)
    db.session.commit()
    return sport, agent


def write(life, guardian=None, child=None, post=None):
    world = life.world
    thread, message = services.start_service_thread(guardian or world.parent_a, life.service.id, "Inscription",
                                                    "Bonjour, comment inscrire Awa ?", utcnow(), child=child, post=post)
    db.session.commit()
    return thread, message


def readers(life, thread, extra=()) -> set[str]:
    people = {name: getattr(life.world, name) for name in EVERYONE}
    people.update({"agent2": life.agent2, "lead": life.lead, "far_agent": life.world.far.city_agent,
                   "far_parent": life.world.far.parent, **dict(extra)})
    return {name for name, user in people.items() if rules.can_read_thread(user, thread)}


def test_a_service_thread_is_read_by_every_agent_of_the_service_and_its_writer(life):
    _, sport_agent = other_service(life.world)
    thread, _ = write(life)
    assert readers(life, thread, {"sport_agent": sport_agent}) == {"city_agent", "agent2", "parent_a"}


def test_about_a_child_it_is_read_by_all_the_childs_guardians(life):
    thread, _ = write(life, child=life.world.child_a)
    assert readers(life, thread) == {"city_agent", "agent2", "parent_a", "parent_a2"}


def test_message_recipients_and_visible_threads_agree_with_can_read(life):
    world = life.world
    for thread in (write(life)[0], write(life, child=world.child_a)[0]):
        recipients = {u.id for u in db.session.scalars(rules.message_recipients(thread))}
        everyone = {**{n: getattr(world, n) for n in EVERYONE}, "agent2": life.agent2}
        assert recipients == {everyone[n].id for n in readers(life, thread)}
    assert len(db.session.scalars(rules.visible_threads(life.agent2)).all()) == 2
    assert len(db.session.scalars(rules.visible_threads(world.parent_a2)).all()) == 1


def test_a_disabled_agent_is_no_recipient(life):
    thread, _ = write(life)
    life.agent2.is_enabled = False
    assert life.agent2.id not in {u.id for u in db.session.scalars(rules.message_recipients(thread))}


def test_an_agent_who_leaves_the_service_stops_reading(life):
    from ent_lite.accounts.models import Membership

    thread, _ = write(life)
    db.session.execute(Membership.__table__.delete().where(Membership.user_id == life.agent2.id))
    assert not rules.can_read_thread(life.agent2, thread)


def test_agents_close_families_do_not(life):
    thread, _ = write(life)
    assert rules.can_close_thread(life.agent2, thread)
    assert not rules.can_close_thread(life.world.parent_a, thread)
    services.close_thread(thread, life.agent2, utcnow())
    assert not rules.can_write_in(life.world.parent_a, thread) and rules.can_read_thread(life.world.parent_a, thread)


def test_city_services_offered_are_those_of_the_guardians_city_with_an_enabled_agent(life):
    world = life.world
    empty = Establishment(city=world.city, kind=EstablishmentKind.SERVICE, name="Service sans agent")
    db.session.add(empty)
    db.session.flush()
    assert [s.establishment_name for s in rules.city_services_for(world.parent_a)] == ["Service Enfance"]
    assert [s.establishment_name for s in rules.city_services_for(world.far.parent)] == ["Service Jeunesse"]
    life.agent2.is_enabled = False
    world.city_agent.is_enabled = False
    assert rules.city_services_for(world.parent_a) == []
    assert rules.city_services_for(world.teacher_a) == [] and rules.city_services_for(world.city_agent) == []


def test_the_service_refuses_what_the_rules_refuse(life):
    world = life.world
    now = utcnow()
    for guardian, service_id, child in [
        (world.parent_a, world.far.service.id, None),       # another city's service
        (world.parent_a, world.school.id, None),             # a school is no city service
        (world.parent_a, life.service.id, world.child_b),    # another family's child
        (world.teacher_a, life.service.id, None),            # staff do not write to the inbox
    ]:
        with pytest.raises(PermissionError):
            services.start_service_thread(guardian, service_id, "S", "B", now, child=child)
    school_post = make_post(world.teacher_a, world.class_a)
    with pytest.raises(PermissionError):
        services.start_service_thread(world.parent_a, life.service.id, "S", "B", now, post=school_post)


@pytest.mark.parametrize("replies_allowed", [True, False])
def test_a_post_from_the_service_offers_a_reply_to_the_service_when_allowed(life, replies_allowed):
    world = life.world
    post = make_post(world.city_agent, world.class_a, establishment=life.service, replies_allowed=replies_allowed)
    contacts = rules.post_reply_contacts(world.parent_a, post)
    if replies_allowed:
        assert contacts == [rules.ServiceContact(life.service.id, life.service.public_id, "Service Enfance")]
    else:
        assert contacts == []
    assert rules.post_reply_contacts(world.parent_b, post) == []      # not a reader of the post
    assert rules.post_reply_contacts(world.teacher_a, post) == []     # staff do not reply this way


def test_a_reply_to_a_city_post_records_the_post(life):
    world = life.world
    post = make_post(world.city_agent, world.class_a, establishment=life.service)
    thread, _ = write(life, post=post)
    assert thread.post_id == post.id and thread.guardian_id == world.parent_a.id
    assert rules.is_service_thread(thread)
    assert db.session.scalar(select(type(thread).guardian_id).where(type(thread).id == thread.id)) == world.parent_a.id


def test_a_guardian_unlinked_from_the_child_no_longer_reads_its_service_thread(life):
    from sqlalchemy import delete

    from ent_lite.conversations import services
    from ent_lite.core.db_types import utcnow
    from ent_lite.extensions import db
    from ent_lite.school.models import GuardianLink

    world = life.world
    thread, _ = services.start_service_thread(world.parent_a, life.service.id, "Cantine", "Bonjour.", utcnow(),
                                              child=world.child_a)
    db.session.commit()
    assert rules.can_read_thread(world.parent_a, thread)
    db.session.execute(delete(GuardianLink).where(GuardianLink.user_id == world.parent_a.id,
                                                  GuardianLink.child_id == world.child_a.id))
    db.session.commit()
    assert not rules.can_read_thread(world.parent_a, thread)
    assert world.parent_a not in db.session.scalars(rules.message_recipients(thread)).all()
    assert rules.can_read_thread(world.parent_a2, thread)
