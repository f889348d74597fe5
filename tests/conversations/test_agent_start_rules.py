"""The rule a city agent's first message to a family keeps (rules.family_addressees, what the
page shows and the service checks): only about a child registered to an activity of the agent's
service, to the guardians linked to that child, within AGENT_CONTACT_WINDOW of the activity's
last session."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from ent_lite import rules
from ent_lite.activities.models import Registration, RegistrationStatus
from ent_lite.conversations import services
from ent_lite.conversations.models import Message, Thread
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.notifications import recipients
from ent_lite.notifications.models import NotificationEvent
from ent_lite.school.models import GuardianLink
from tests.activities.factories import make_activity
from tests.activities.privacy_rows import enrol
from tests.conversations.agent_start_helpers import activity_world, judo_with_awa, other_service_agent


def may(agent, guardian, child, now=None) -> bool:
    """Whether ``agent`` may write to ``guardian`` about ``child``: the guardian is among the
    addressees the start page names and ``services.start_agent_thread`` requires."""
    return guardian.id in {g.id for g in rules.family_addressees(agent, child, now or utcnow())}


def test_every_agent_of_the_service_may_write_to_both_guardians_of_a_registered_child(life):
    judo_with_awa(life)
    world = life.world
    for agent in (world.city_agent, life.agent2):
        assert may(agent, world.parent_a, world.child_a) and may(agent, world.parent_a2, world.child_a)
    assert [g.id for g in rules.family_addressees(world.city_agent, world.child_a, utcnow())] == [
        world.parent_a.id, world.parent_a2.id]


@pytest.mark.parametrize("status", RegistrationStatus.ALL)
def test_a_registration_of_any_status_is_a_relationship(life, status):
    activity = judo_with_awa(life)
    db.session.scalar(select(Registration).where(Registration.activity_id == activity.id)).status = status
    db.session.commit()
    assert may(life.world.city_agent, life.world.parent_a, life.world.child_a)


def test_no_relationship_no_family(life):
    world = life.world
    judo_with_awa(life)
    # Léo is in the periscolaire Wednesday group and Inès at the other school: neither is
    # registered to an activity of the service, so the agent cannot reach their families.
    assert not may(world.city_agent, world.parent_b, world.child_b)
    assert not may(world.city_agent, world.other_parent, world.other_child)
    assert rules.family_addressees(world.city_agent, world.child_b, utcnow()) == []


def test_an_activity_of_the_periscolaire_site_gives_the_city_service_no_relationship(life):
    world = life.world
    activity = make_activity(activity_world(life), title="Poterie", establishment=life.site)
    enrol(activity, world.child_b, world.parent_b, utcnow())
    db.session.commit()
    assert not may(world.city_agent, world.parent_b, world.child_b)


def test_an_agent_of_another_service_or_city_may_not(life):
    world = life.world
    judo_with_awa(life)
    agent, _service = other_service_agent(life)
    assert not may(agent, world.parent_a, world.child_a)
    assert not may(world.far.city_agent, world.parent_a, world.child_a)
    assert not may(world.far.city_agent, world.far.parent, world.far.child)


def test_the_family_named_to_the_agent_is_exactly_who_reads_the_thread(life):
    """A guardian linked without parental authority reads a thread about the child (as any
    thread about a child), so the agent is told they will: the names shown are the readers."""
    world = life.world
    judo_with_awa(life)
    assert not may(world.city_agent, world.parent_b, world.child_a)  # another family
    assert not may(world.city_agent, world.far.parent, world.child_a)
    link = db.session.scalar(select(GuardianLink).where(GuardianLink.user_id == world.parent_a2.id))
    link.legal_authority = False
    db.session.commit()
    now = utcnow()
    named = {g.id for g in rules.family_addressees(world.city_agent, world.child_a, now)}
    assert named == {world.parent_a.id, world.parent_a2.id}
    assert may(world.city_agent, world.parent_a2, world.child_a)
    thread, _message = services.start_agent_thread(world.city_agent, world.child_a, life.service.id,
                                                   "Certificat", "Bonjour", now)
    db.session.commit()
    family_readers = {u.id for u in (world.parent_a, world.parent_a2, world.parent_b, world.far.parent)
                      if rules.can_read_thread(u, thread)}
    assert family_readers == named
    world.parent_a.is_enabled = False
    db.session.commit()
    assert not may(world.city_agent, world.parent_a, world.child_a)


def test_other_roles_and_a_child_who_left_are_refused(life):
    world = life.world
    judo_with_awa(life)
    for user in (world.teacher_a, world.director, world.animator, world.admin, world.dpo, world.parent_a2):
        assert not may(user, world.parent_a, world.child_a)
    world.child_a.left_dt = utcnow()
    db.session.commit()
    assert not may(world.city_agent, world.parent_a, world.child_a)


def test_the_relationship_ends_at_the_exact_end_of_the_window(life):
    activity = judo_with_awa(life)
    world = life.world
    end = activity.last_session_dt + rules.AGENT_CONTACT_WINDOW
    assert may(world.city_agent, world.parent_a, world.child_a, end)
    assert rules.activity_links_families(activity, end)
    assert not may(world.city_agent, world.parent_a, world.child_a, end + timedelta(microseconds=1))
    assert not rules.activity_links_families(activity, end + timedelta(microseconds=1))


def test_a_draft_without_session_counts_from_its_creation(life):
    activity = judo_with_awa(life, sessions=0)
    activity.last_session_dt = None
    db.session.commit()
    end = activity.created_dt + rules.AGENT_CONTACT_WINDOW
    assert may(life.world.city_agent, life.world.parent_a, life.world.child_a, end)
    assert not may(life.world.city_agent, life.world.parent_a, life.world.child_a, end + timedelta(microseconds=1))


def test_the_service_writes_a_service_thread_about_the_child_and_tells_its_readers(life):
    world = life.world
    judo_with_awa(life)
    now = utcnow()
    thread, message = services.start_agent_thread(world.city_agent, world.child_a, life.service.id,
                                                  "Certificat", "Bonjour, il manque le certificat.", now)
    db.session.commit()
    assert (thread.establishment_id, thread.child_id, thread.guardian_id) == (life.service.id, world.child_a.id, None)
    assert rules.is_service_thread(thread)
    event = db.session.scalar(select(NotificationEvent).where(NotificationEvent.message_id == message.id))
    told = set(db.session.scalars(recipients.recipients(event, now)))
    assert told == {world.parent_a.id, world.parent_a2.id, life.agent2.id}
    for reader in (world.parent_a, world.parent_a2, life.agent2, world.city_agent):
        assert rules.can_read_thread(reader, thread)
    for outsider in (world.parent_b, world.teacher_a, world.animator, world.far.city_agent, world.admin, world.dpo):
        assert not rules.can_read_thread(outsider, thread)
    assert services.unread_thread_count(world.parent_a) == 1 and services.unread_thread_count(life.agent2) == 1
    assert services.unread_thread_count(world.city_agent) == 0


def test_a_forged_service_or_child_writes_nothing(life):
    world = life.world
    judo_with_awa(life)
    _agent, other_service = other_service_agent(life)
    now = utcnow()
    attempts = [(world.city_agent, world.child_a, other_service.id), (world.city_agent, world.child_a, world.far.service.id),
                (world.city_agent, world.child_b, life.service.id), (world.far.city_agent, world.child_a, world.far.service.id),
                (world.teacher_a, world.child_a, world.school.id)]
    for agent, child, establishment_id in attempts:
        with pytest.raises(PermissionError):
            services.start_agent_thread(agent, child, establishment_id, "Objet", "Texte", now)
    db.session.rollback()
    assert db.session.scalar(select(func.count(Thread.id))) == 0
    assert db.session.scalar(select(func.count(Message.id))) == 0
