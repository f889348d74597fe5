"""Issue 12 §5 after the first message: unread counts per person in the shared inbox, the
outbox telling every agent, erasure of the guardian who wrote, and the guardian's export."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from ent_lite import rules
from ent_lite.conversations import services
from ent_lite.conversations.models import Message, Thread
from ent_lite.core.db_types import utcnow
from ent_lite.erasure.services import erase_guardian
from ent_lite.extensions import db
from ent_lite.notifications import fanout
from ent_lite.notifications.models import Notification, NotificationEvent
from ent_lite.rights.export import collect


def write(life, child=None, minutes_ago=10):
    thread, message = services.start_service_thread(
        life.world.parent_a, life.service.id, "Cantine", "Bonjour, une question.",
        utcnow() - timedelta(minutes=minutes_ago), child=child)
    db.session.commit()
    return thread, message


def unread(*people) -> list[int]:
    return [services.unread_thread_count(person) for person in people]


def test_read_marks_are_per_agent_in_the_shared_inbox(life):
    world = life.world
    thread, _ = write(life)
    assert unread(world.parent_a, world.city_agent, life.agent2) == [0, 1, 1]
    services.mark_read(thread, life.agent2, utcnow() - timedelta(minutes=5))
    assert unread(world.parent_a, world.city_agent, life.agent2) == [0, 1, 0]  # B's reading is not A's
    services.add_message(thread, life.agent2, "Voici la réponse.", utcnow() - timedelta(minutes=4))
    db.session.commit()
    # The family and the other agent both see the answer as new; its author does not.
    assert unread(world.parent_a, world.city_agent, life.agent2) == [1, 1, 0]
    [row], _ = services.inbox_page(world.city_agent, 1, 20)
    assert row.unread == 2 and row.is_service and row.guardian_name == "Fatou Diallo"


def told(message) -> set[int]:
    event = db.session.scalar(select(NotificationEvent).where(NotificationEvent.message_id == message.id))
    return set(db.session.scalars(select(Notification.user_id).where(Notification.event_id == event.id)))


def test_a_new_message_notifies_every_agent_of_the_service_and_nobody_else(life):
    world = life.world
    thread, first = write(life, child=world.child_a)
    fanout.fan_out(utcnow())
    assert told(first) == {world.city_agent.id, life.agent2.id, world.parent_a2.id}
    answer = services.add_message(thread, life.agent2, "Voici la réponse.", utcnow())
    db.session.commit()
    fanout.fan_out(utcnow())
    assert told(answer) == {world.city_agent.id, world.parent_a.id, world.parent_a2.id}
    assert told(answer) == {u.id for u in db.session.scalars(rules.message_recipients(thread))} - {life.agent2.id}


def test_erasing_the_guardian_deletes_their_own_service_thread(life):
    world = life.world
    own, _ = write(life)
    about_child, _ = write(life, child=world.child_a)
    own_id, about_id = own.id, about_child.id
    erase_guardian(world.parent_a, now=utcnow(), actor=world.dpo)
    db.session.commit()
    assert db.session.get(Thread, own_id) is None
    assert db.session.scalar(select(Message.id).where(Message.thread_id == own_id)) is None
    # About a child: the thread stays for the other guardian and the agents, without the writer's words.
    kept = db.session.get(Thread, about_id)
    assert kept.guardian_id is None and kept.subject == ""
    assert rules.can_read_thread(world.parent_a2, kept) and rules.can_read_thread(life.agent2, kept)
    assert [m.body for m in kept.messages] == [""]


def test_the_export_holds_the_service_thread_and_names_no_agent(life):
    world = life.world
    thread, _ = write(life)
    services.add_message(thread, life.agent2, "Voici la réponse.", utcnow())
    db.session.commit()
    tables = {dump.name: dump.rows for dump in collect(world.parent_a)}
    [exported] = [r for r in tables["thread"] if r["public_id"] == thread.public_id]
    assert exported["establishment"] == "Service Enfance" and exported["subject"] == "Cantine"
    bodies = {r["body"]: r["author"] for r in tables["message"] if r["thread"] == thread.public_id}
    assert set(bodies) == {"Bonjour, une question.", "Voici la réponse."}
    assert "Morel" not in str(tables["message"])
    # The other guardian of the child does not get a thread that was not about the child.
    assert thread.public_id not in str({d.name: d.rows for d in collect(world.parent_a2)}["thread"])
