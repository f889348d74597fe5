"""Fan-out: an event becomes one item per person told, in batches the worker commits."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from ent_lite.accounts.models import User
from ent_lite.audience import keys as audience_keys
from ent_lite.consents import services as consents
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.notifications import events, fanout
from ent_lite.notifications.models import (
    Channel,
    Delivery,
    DeliveryStatus,
    EmailProblem,
    Notification,
    NotificationEvent,
    PushSubscription,
)
from ent_lite.posts.models import PostSignature
from ent_lite.rules import message_recipients
from tests.conversations.helpers import start_child
from tests.posts.helpers import add_city_service
from tests.notifications.worker_helpers import TUESDAY_10H, add_families, class_key, later, make_post

# 18:00 in Paris that Tuesday: the default daily digest.
DIGEST_18H = datetime(2026, 3, 10, 17, 0, tzinfo=timezone.utc)
WEDNESDAY_18H = datetime(2026, 3, 11, 17, 0, tzinfo=timezone.utc)


def told(event) -> set[int]:
    return set(db.session.scalars(select(Notification.user_id).where(Notification.event_id == event.id)))


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_a_class_post_tells_its_families_and_class_staff_never_the_author(world):
    _, event = make_post(world.director, world.school, class_key(world.class_a))

    fanout.fan_out(TUESDAY_10H)

    assert told(event) == {world.parent_a.id, world.parent_a2.id, world.teacher_a.id}
    assert db.session.get(NotificationEvent, event.id).fanned_out_dt is not None


def test_a_school_post_reaches_staff_with_a_membership_of_the_school(world):
    _, event = make_post(world.teacher_a, world.school, [audience_keys.establishment_key(world.school.id)])

    fanout.fan_out(TUESDAY_10H)

    assert told(event) == {world.parent_a.id, world.parent_a2.id, world.parent_b.id, world.teacher_b.id,
                           world.director.id}


def test_guardians_without_an_active_account_are_not_told(world):
    world.parent_a2.password_hash = None
    world.parent_b.is_enabled = False
    db.session.commit()
    _, event = make_post(world.director, world.school, [audience_keys.establishment_key(world.school.id)])

    fanout.fan_out(TUESDAY_10H)

    assert world.parent_a.id in told(event)
    assert not {world.parent_a2.id, world.parent_b.id} & told(event)


def test_expired_or_deleted_posts_tell_nobody(world):
    post, expired = make_post(world.director, world.school, class_key(world.class_a),
                              expires_dt=later(TUESDAY_10H, minutes=1))
    doomed, deleted = make_post(world.director, world.school, class_key(world.class_a))
    deleted_id = deleted.id
    db.session.delete(doomed)
    db.session.commit()

    fanout.fan_out(later(TUESDAY_10H, hours=1))

    assert told(expired) == set()
    assert count(Notification) == 0 and count(Delivery) == 0
    gone = db.session.get(NotificationEvent, deleted_id)
    assert gone is None or gone.fanned_out_dt is not None


def test_a_scheduled_post_waits_for_its_time(world):
    _, event = make_post(world.director, world.school, class_key(world.class_a), now=later(TUESDAY_10H, hours=2))

    fanout.fan_out(TUESDAY_10H)
    assert told(event) == set()

    fanout.fan_out(later(TUESDAY_10H, hours=2))
    assert len(told(event)) == 3


def test_urgent_goes_at_once_news_waits_for_the_digest_push_only_with_a_device(world):
    db.session.add(PushSubscription(user_id=world.parent_a.id, endpoint="https://push.example/1", p256dh="k", auth="a"))
    db.session.commit()
    make_post(world.director, world.school, class_key(world.class_a), urgent=True)
    make_post(world.director, world.school, class_key(world.class_a))

    fanout.fan_out(TUESDAY_10H)

    urgent = db.session.scalars(select(Delivery).where(Delivery.is_urgent.is_(True))).all()
    assert {(d.user_id, d.channel) for d in urgent} == {
        (world.parent_a.id, Channel.EMAIL), (world.parent_a.id, Channel.PUSH),
        (world.parent_a2.id, Channel.EMAIL), (world.teacher_a.id, Channel.EMAIL)}
    assert all(d.due_dt == TUESDAY_10H and d.digest_slot_dt is None for d in urgent)
    digests = db.session.scalars(select(Delivery).where(Delivery.digest_slot_dt.is_not(None))).all()
    # News: email in the 18:00 digest, push at once (the defaults).
    assert {(d.user_id, d.due_dt) for d in digests} == {
        (world.parent_a.id, DIGEST_18H), (world.parent_a2.id, DIGEST_18H), (world.teacher_a.id, DIGEST_18H)}
    news_push = db.session.scalars(select(Notification).where(Notification.push_delivery_id.is_not(None))).all()
    assert {n.user_id for n in news_push} == {world.parent_a.id}
    assert len(news_push) == 2


def test_no_mail_is_planned_to_an_address_the_server_refused(world):
    db.session.add(EmailProblem(user_id=world.parent_a.id, address=world.parent_a.email, smtp_code=550))
    db.session.add(EmailProblem(user_id=world.parent_a2.id, address="old@example.org", smtp_code=550))
    db.session.commit()
    _, event = make_post(world.director, world.school, class_key(world.class_a), urgent=True)

    fanout.fan_out(TUESDAY_10H)

    assert world.parent_a.id in told(event)  # still in the app's list
    mailed = set(db.session.scalars(select(Delivery.user_id).where(Delivery.channel == Channel.EMAIL)))
    assert mailed == {world.parent_a2.id, world.teacher_a.id}


def test_fan_out_goes_in_batches_and_resumes_after_a_crash_without_doubling(world):
    families = add_families(world.city, world.class_b, 25)
    _, event = make_post(world.director, world.school, class_key(world.class_b), urgent=True)
    everyone = set(families) | {world.parent_b.id, world.teacher_b.id}

    # The first worker commits one batch of 10, then dies holding the event's lease.
    assert fanout.fan_out(TUESDAY_10H, batch_size=10, max_batches=1) == 10
    first = db.session.get(NotificationEvent, event.id)
    assert first.fanout_cursor == max(told(event)) and first.fanned_out_dt is None
    # While the lease runs, nobody else takes the event.
    assert fanout.fan_out(later(TUESDAY_10H, minutes=1), batch_size=10) == 0

    resumed = later(TUESDAY_10H, minutes=6)
    assert fanout.fan_out(resumed, batch_size=10) == len(everyone) - 10

    assert told(event) == everyone
    assert count(Delivery) == len(everyone)  # one urgent mail each, none doubled
    db.session.expire_all()
    assert db.session.get(NotificationEvent, event.id).fanned_out_dt == resumed


def test_a_batch_written_twice_writes_nothing_twice(world):
    """A worker whose lease ran out while another took over: the second write is a no-op."""
    _, event = make_post(world.director, world.school, class_key(world.class_a), urgent=True)
    fanout.fan_out(TUESDAY_10H)
    event = db.session.get(NotificationEvent, event.id)
    event.fanout_cursor, event.fanned_out_dt = 0, None
    db.session.commit()

    assert fanout.fan_out(later(TUESDAY_10H, minutes=1)) == 0
    assert count(Notification) == 3 and count(Delivery) == 3

    # Only the missing row is written (one of three, in the middle of the batch).
    db.session.execute(Notification.__table__.delete().where(Notification.user_id == world.parent_a2.id))
    event.fanout_cursor, event.fanned_out_dt = 0, None
    db.session.commit()
    assert fanout.fan_out(later(TUESDAY_10H, minutes=2)) == 1
    assert told(event) == {world.parent_a.id, world.parent_a2.id, world.teacher_a.id}
    assert count(Delivery) == 4


def digest_of(user, slot):
    return db.session.scalar(select(Delivery).where(Delivery.user_id == user.id, Delivery.channel == Channel.EMAIL,
                                                    Delivery.digest_slot_dt == slot))


def test_items_of_one_day_share_one_digest(world):
    make_post(world.director, world.school, class_key(world.class_a))
    make_post(world.teacher_b, world.school, [audience_keys.establishment_key(world.school.id)])

    fanout.fan_out(TUESDAY_10H)

    digest = digest_of(world.parent_a, DIGEST_18H)
    items = db.session.scalars(select(Notification).where(Notification.email_delivery_id == digest.id)).all()
    assert len(items) == 2


def test_a_digest_a_worker_already_holds_takes_no_new_item(world):
    """The race: a worker has claimed (or sent) today's digest; a late item must not join it
    (it would never be told), it goes into tomorrow's."""
    make_post(world.director, world.school, class_key(world.class_a))
    fanout.fan_out(TUESDAY_10H)
    claimed = digest_of(world.parent_a, DIGEST_18H)
    claimed.lease_until = later(DIGEST_18H, minutes=10)
    sent = digest_of(world.parent_a2, DIGEST_18H)
    sent.status = DeliveryStatus.SENT
    db.session.commit()

    _, late = make_post(world.teacher_b, world.school, [audience_keys.establishment_key(world.school.id)],
                        now=later(TUESDAY_10H, hours=1))
    fanout.fan_out(later(TUESDAY_10H, hours=1))

    for parent in (world.parent_a, world.parent_a2):
        item = db.session.scalar(select(Notification).where(Notification.event_id == late.id,
                                                            Notification.user_id == parent.id))
        assert item.email_delivery_id == digest_of(parent, WEDNESDAY_18H).id
    # A digest nobody holds yet takes the item (parent_b's first item, today).
    item_b = db.session.scalar(select(Notification).where(Notification.user_id == world.parent_b.id))
    assert item_b.email_delivery_id == digest_of(world.parent_b, DIGEST_18H).id


def test_a_message_tells_the_threads_other_readers(world):
    thread, message = start_child(world)  # parent_a writes to the team of class A about child_a
    event = events.message_posted(message, TUESDAY_10H)
    db.session.commit()

    fanout.fan_out(TUESDAY_10H)

    readers = set(db.session.scalars(message_recipients(thread).with_only_columns(User.id)))
    assert world.parent_a.id in readers
    assert told(event) == readers - {world.parent_a.id}
    assert {world.parent_a2.id, world.teacher_a.id} <= told(event)


def test_a_reminder_tells_only_the_guardians_who_still_have_to_sign(world):
    post, _ = make_post(world.director, world.school, [audience_keys.establishment_key(world.school.id)],
                        requires_ack=True, ack_due_dt=later(TUESDAY_10H, days=3))
    db.session.add(PostSignature(post_id=post.id, child_id=world.child_b.id, user_id=world.parent_b.id))
    fanout.fan_out(TUESDAY_10H)
    event = events.reminder_requested(post, world.director, later(TUESDAY_10H, hours=1))
    db.session.commit()

    fanout.fan_out(later(TUESDAY_10H, hours=1))

    assert told(event) == {world.parent_a.id, world.parent_a2.id}


def test_optional_city_information_tells_only_the_guardians_who_agreed(world):
    service = add_city_service(world)
    consents.set_consent(world.parent_a, consents.CITY_INFORMATION, True, utcnow() - timedelta(minutes=5))
    db.session.commit()
    now = utcnow()
    _, event = make_post(world.city_agent, service, [audience_keys.ALL_KEY], now=now, is_optional_info=True)

    fanout.fan_out(now)

    assert told(event) == {world.parent_a.id}


def test_a_post_moved_to_a_later_time_tells_its_readers_then(world):
    post, event = make_post(world.director, world.school, class_key(world.class_a))
    post.published_dt = later(TUESDAY_10H, days=1)
    db.session.commit()

    fanout.fan_out(TUESDAY_10H)
    assert told(event) == set()

    fanout.fan_out(later(TUESDAY_10H, days=1))
    assert len(told(event)) == 3
