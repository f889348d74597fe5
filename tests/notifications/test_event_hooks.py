"""What notifies writes its outbox row in its own transaction, and only that row.

A rolled-back post or message tells nobody; a city-wide post costs one row inside the
publishing request (the worker fans it out later); a scheduled post waits for its time, and
moves with it while nobody has been told; a form's deadline makes the post something to do.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from ent_lite.audience import keys
from ent_lite.conversations import services as conversations
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.forms import services as forms
from ent_lite.notifications.models import Category, Delivery, EventKind, Notification, NotificationEvent
from ent_lite.posts import services
from tests.forms.conftest import builder_data
from tests.posts.helpers import add_city_service
from tests.queries import recorded_statements


def events_of(**where) -> list[NotificationEvent]:
    db.session.expire_all()
    query = select(NotificationEvent).filter_by(**where).order_by(NotificationEvent.id)
    return list(db.session.scalars(query))


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def class_a(world):
    return [keys.group_key(world.class_a.id)]


def test_a_post_writes_one_event_committed_with_it(world):
    now = utcnow()
    post = services.create_post(world.teacher_a, "Sortie", "Jeudi.", class_a(world), now)
    db.session.commit()
    [event] = events_of(post_id=post.id)
    assert (event.kind, event.category, event.actor_id) == (EventKind.POST, Category.NEWS, world.teacher_a.id)
    assert event.not_before_dt == post.published_dt and event.fanned_out_dt is None


def test_a_rolled_back_post_tells_nobody(world):
    services.create_post(world.teacher_a, "Sortie", "Jeudi.", class_a(world), utcnow())
    db.session.rollback()
    assert events_of() == []


def test_an_urgent_post_and_a_post_to_sign_have_their_category(world):
    now = utcnow()
    urgent = services.create_post(world.teacher_a, "Fermeture", "Grève.", class_a(world), now,
                                  services.PostOptions(is_urgent=True))
    to_sign = services.create_post(world.teacher_a, "Sortie", "Signez.", class_a(world), now,
                                   services.PostOptions(requires_ack=True, ack_due_dt=now + timedelta(days=2)))
    db.session.commit()
    assert events_of(post_id=urgent.id)[0].category == Category.URGENT
    [event] = events_of(post_id=to_sign.id)
    assert (event.category, event.due_dt) == (Category.TODO, to_sign.ack_due_dt)


def test_a_city_wide_post_writes_one_event_and_nothing_per_family_inside_the_request(world, login_as, english):
    add_city_service(world)
    client = login_as(world.city_agent)
    with recorded_statements() as statements:
        response = client.post("/news/new", data={"title": "Rentrée", "body": "Infos.", "targets": ["all:*"]})
    assert response.status_code == 302
    inserts = [s for s in statements if s.lstrip().upper().startswith("INSERT")]
    written = [s.split()[2].strip('"') for s in inserts]
    assert written.count("notification_event") == 1, written
    assert not {"notification", "notification_delivery"} & set(written), written
    assert len(events_of(kind=EventKind.POST)) == 1
    assert count(Notification) == 0 and count(Delivery) == 0


def test_a_scheduled_post_is_told_at_its_time_and_moves_with_it(world):
    now = utcnow()
    at = now + timedelta(days=2)
    post = services.create_post(world.teacher_a, "Sortie", "Jeudi.", class_a(world), now,
                                services.PostOptions(publish_at=at))
    db.session.commit()
    assert events_of(post_id=post.id)[0].not_before_dt == at
    later = now + timedelta(days=3)
    services.update_post(post, "Sortie", "Vendredi.", services.PostOptions(publish_at=later, is_urgent=True), now)
    db.session.commit()
    [event] = events_of(post_id=post.id)
    assert (event.not_before_dt, event.category) == (later, Category.URGENT)
    services.update_post(post, "Sortie", "Vendredi.", services.PostOptions(publish_at=later), now)
    db.session.commit()
    assert events_of(post_id=post.id)[0].category == Category.NEWS


def test_an_event_already_fanned_out_is_not_changed(world):
    now = utcnow()
    post = services.create_post(world.teacher_a, "Sortie", "Jeudi.", class_a(world), now)
    db.session.commit()
    event = events_of(post_id=post.id)[0]
    event.fanned_out_dt = now
    db.session.commit()
    services.update_post(post, "Sortie", "Grève.", services.PostOptions(is_urgent=True), now + timedelta(minutes=5))
    db.session.commit()
    assert events_of(post_id=post.id)[0].category == Category.NEWS


def test_a_form_with_a_deadline_makes_the_post_something_to_do(world):
    now = utcnow()
    post = services.create_post(world.teacher_a, "Sortie", "Jeudi.", class_a(world), now)
    form = forms.attach_form(post, builder_data("authorisation", days=1), now)
    db.session.commit()
    [event] = events_of(post_id=post.id)
    assert (event.category, event.due_dt) == (Category.TODO, form.deadline_dt)


@pytest.mark.parametrize("commit", [True, False])
def test_a_message_writes_its_event_only_when_committed(world, commit):
    now = utcnow()
    thread, message = conversations.start_child_thread(world.parent_a, world.child_a, world.school.id,
                                                       "Absence", "Awa sera absente.", now)
    reply = conversations.add_message(thread, world.teacher_a, "Merci.", now + timedelta(minutes=1))
    if commit:
        db.session.commit()
        told = events_of(kind=EventKind.MESSAGE)
        assert [(e.message_id, e.actor_id, e.category) for e in told] == [
            (message.id, world.parent_a.id, Category.MESSAGES), (reply.id, world.teacher_a.id, Category.MESSAGES)]
    else:
        db.session.rollback()
        assert events_of() == []
