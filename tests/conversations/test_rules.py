"""One short test per conversations rule of ent_lite.rules, on the factories' world."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete

from ent_lite import rules
from ent_lite.accounts.models import Membership
from ent_lite.conversations import services
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from tests.conversations.helpers import add_city_service, make_post, start_child

EVERYONE = ["teacher_a", "teacher_b", "other_teacher", "director", "animator", "city_agent", "admin", "dpo",
            "parent_a", "parent_a2", "parent_b", "other_parent"]


def readers(world, thread) -> set[str]:
    return {name for name in EVERYONE if rules.can_read_thread(getattr(world, name), thread)}


def test_child_thread_is_read_by_all_its_guardians_and_the_class_team(world, periscolaire, child_thread):
    assert readers(world, child_thread) == {"parent_a", "parent_a2", "teacher_a", "director"}


def test_periscolaire_thread_is_read_by_the_guardians_and_the_animators_of_the_child(world, periscolaire):
    site, _ = periscolaire
    thread, _ = start_child(world, starter=world.animator, establishment=site)
    assert readers(world, thread) == {"parent_a", "parent_a2", "animator"}


def test_staff_thread_is_read_by_its_members_only(world, staff_thread):
    assert readers(world, staff_thread) == {"teacher_a", "teacher_b"}


def test_message_recipients_is_the_same_rule_as_can_read(world, periscolaire, child_thread, staff_thread):
    site, _ = periscolaire
    for thread in (child_thread, staff_thread, start_child(world, starter=world.animator, establishment=site)[0]):
        recipients = {u.id for u in db.session.scalars(rules.message_recipients(thread))}
        assert recipients == {getattr(world, n).id for n in readers(world, thread)}


def test_visible_threads_lists_what_can_read_allows(world, child_thread, staff_thread):
    assert set(db.session.scalars(rules.visible_threads(world.teacher_a))) == {child_thread, staff_thread}
    assert set(db.session.scalars(rules.visible_threads(world.parent_a2))) == {child_thread}
    assert set(db.session.scalars(rules.visible_threads(world.dpo))) == set()


def test_a_teacher_who_leaves_the_class_stops_reading_its_threads(world, child_thread):
    db.session.execute(delete(Membership).where(Membership.user_id == world.teacher_a.id))
    assert not rules.can_read_thread(world.teacher_a, child_thread)


def test_a_child_who_left_takes_the_threads_away(world, child_thread):
    world.child_a.left_dt = utcnow()
    assert readers(world, child_thread) == set()


def test_a_colleague_who_leaves_the_establishment_stops_reading_staff_threads(world, staff_thread):
    db.session.execute(delete(Membership).where(Membership.user_id == world.teacher_b.id))
    assert not rules.can_read_thread(world.teacher_b, staff_thread)


def test_can_write_in_until_closed(world, child_thread):
    assert rules.can_write_in(world.parent_a, child_thread)
    services.close_thread(child_thread, world.teacher_a, utcnow())
    assert not rules.can_write_in(world.parent_a, child_thread)
    assert rules.can_read_thread(world.parent_a, child_thread)


@pytest.mark.parametrize("name, allowed", [("teacher_a", True), ("director", True), ("parent_a", False),
                                           ("teacher_b", False), ("admin", False)])
def test_can_close_thread_is_for_staff_participants(world, child_thread, name, allowed):
    assert rules.can_close_thread(getattr(world, name), child_thread) is allowed


@pytest.mark.parametrize("name, child, allowed", [
    ("parent_a", "child_a", True), ("parent_a", "child_b", False), ("teacher_a", "child_a", True),
    ("teacher_a", "child_b", False), ("director", "child_b", True), ("director", "other_child", False),
    ("city_agent", "child_a", False), ("admin", "child_a", False), ("dpo", "child_a", False),
])
def test_can_start_thread_about(world, name, child, allowed):
    assert rules.can_start_thread_about(getattr(world, name), getattr(world, child)) is allowed


def test_nobody_starts_a_thread_about_a_child_who_left(world):
    world.child_a.left_dt = utcnow()
    assert not rules.can_start_thread_about(world.parent_a, world.child_a)


def test_thread_contacts_are_the_staff_of_the_childs_current_groups(world, periscolaire):
    site, _ = periscolaire
    contacts = {(c.establishment_id, c.user_id) for c in rules.thread_contacts([world.child_a])}
    assert contacts == {(world.school.id, None), (world.school.id, world.teacher_a.id), (world.school.id, world.director.id),
                        (site.id, None), (site.id, world.animator.id)}


def test_staff_establishments_for(world, periscolaire):
    site, _ = periscolaire
    assert rules.staff_establishments_for(world.animator, world.child_a) == [site.id]
    assert rules.staff_establishments_for(world.teacher_b, world.child_a) == []


def test_colleagues_are_the_staff_of_the_same_establishment(world):
    [(school, people)] = rules.colleagues_of(world.teacher_a)
    assert school.id == world.school.id
    assert {p.id for p in people} == {world.teacher_b.id, world.director.id}
    assert rules.colleagues_of(world.parent_a) == [] and rules.colleagues_of(world.admin) == []


def test_can_withdraw_message_for_its_author_within_15_minutes(world):
    _, message = start_child(world, minutes_ago=14)
    now = utcnow()
    assert rules.can_withdraw_message(world.parent_a, message, now)
    assert not rules.can_withdraw_message(world.parent_a2, message, now)
    assert not rules.can_withdraw_message(world.parent_a, message, now + timedelta(minutes=2))


@pytest.mark.parametrize("name", ["parent_a", "teacher_a", "city_agent"])
def test_may_use_messages(world, name):
    assert rules.may_use_messages(getattr(world, name))


@pytest.mark.parametrize("name", ["admin", "dpo"])
def test_admin_and_dpo_have_no_messages(world, name):
    assert not rules.may_use_messages(getattr(world, name))


def test_can_reply_to_post_only_to_an_author_who_is_staff_of_the_child(world):

    assert rules.can_reply_to_post(world.parent_a, make_post(world.teacher_a, world.class_a))
    assert not rules.can_reply_to_post(world.parent_b, make_post(world.teacher_a, world.class_a))
    assert not rules.can_reply_to_post(world.parent_a, make_post(world.teacher_a, world.class_a, replies_allowed=False))
    # A school post by someone who is not staff of the child (the other school's teacher).
    assert not rules.can_reply_to_post(world.parent_a, make_post(world.other_teacher, world.class_a,
                                                                 establishment=world.other_school))
    # Issue 12: a post sent from a city service is answered by that service's shared inbox
    # (tests/conversations/test_city_*.py).
    service = add_city_service(world)
    assert rules.can_reply_to_post(world.parent_a, make_post(world.city_agent, world.class_a, establishment=service))


def test_services_refuse_what_the_rules_refuse(world):
    with pytest.raises(PermissionError):
        services.start_child_thread(world.parent_a, world.child_b, world.school.id, "S", "B", utcnow())
    with pytest.raises(PermissionError):
        services.start_child_thread(world.parent_a, world.child_a, world.school.id, "S", "B", utcnow(),
                                    addressee_id=world.teacher_b.id)
    with pytest.raises(PermissionError):
        services.start_child_thread(world.teacher_a, world.child_a, world.other_school.id, "S", "B", utcnow())
    with pytest.raises(PermissionError):
        services.start_staff_thread(world.teacher_a, world.school.id, [world.other_teacher.id], "S", "B", utcnow())
