"""Builders for the worker tests: posts with their outbox event, people in bulk, SMTP servers."""
from __future__ import annotations

import email
import threading
from datetime import date, datetime, timedelta, timezone
from email import policy

from sqlalchemy import insert as sql_insert, select

from ent_lite.accounts.models import Role, User
from ent_lite.audience import keys as audience_keys
from ent_lite.extensions import db
from ent_lite.notifications import events
from ent_lite.notifications.models import (
    Category,
    Channel,
    Delivery,
    DeliveryStatus,
    EventKind,
    Notification,
    NotificationEvent,
)
from ent_lite.posts.models import Post, PostAudience
from ent_lite.school.models import Child, Enrolment, GuardianLink
from tests import factories

# A Tuesday at 10:00 in Paris: outside quiet hours, so immediate sends are due at once.
TUESDAY_10H = datetime(2026, 3, 10, 9, 0, tzinfo=timezone.utc)


def make_post(author, establishment, keys, now=TUESDAY_10H, urgent=False, **fields) -> tuple[Post, NotificationEvent]:
    post = Post(author_id=author.id, establishment_id=establishment.id, title="Sortie", body_markdown="x",
                body_html="<p>x</p>", created_dt=now, published_dt=now, is_urgent=urgent, **fields)
    post.audience = [PostAudience(kind=kind, value=value) for kind, value in keys]
    db.session.add(post)
    db.session.flush()
    event = events.post_published(post)
    db.session.commit()
    return post, event


def add_families(city, group, count: int) -> list[int]:
    """``count`` activated guardians, each with a child in ``group``, inserted in bulk."""
    start = db.session.scalar(select(db.func.coalesce(db.func.max(User.id), 0)))
    password = factories.password_hash()
    user_ids = list(db.session.scalars(sql_insert(User).returning(User.id, sort_by_parameter_order=True), [
        {"city_id": city.id, "role": Role.GUARDIAN, "first_name": "Parent", "last_name": f"N{start + n}",
         "email": f"family{start + n}@example.org", "password_hash": password} for n in range(count)]))
    child_ids = list(db.session.scalars(sql_insert(Child).returning(Child.id, sort_by_parameter_order=True), [
        {"city_id": city.id, "first_name": "Enfant", "last_name": f"N{n}", "birth_date": date(2019, 1, 1),
         "level": group.level_list[0]} for n in range(count)]))
    db.session.execute(sql_insert(Enrolment), [{"child_id": c, "group_id": group.id} for c in child_ids])
    db.session.execute(sql_insert(GuardianLink), [
        {"child_id": c, "user_id": u, "rank": 1, "relation": "mère", "legal_authority": True}
        for c, u in zip(child_ids, user_ids, strict=True)])
    db.session.commit()
    return user_ids


def add_due_mails(author, group, user_ids: list[int], events_count: int, now: datetime) -> list[str]:
    """One immediate due mail per (event, user), each event a post of ``author`` to ``group``:
    posts, notifications and deliveries in bulk.

    Returns the deliveries' public ids (each mail's Message-ID is made of its own)."""
    post_ids = list(db.session.scalars(sql_insert(Post).returning(Post.id, sort_by_parameter_order=True), [
        {"author_id": author.id, "establishment_id": group.establishment_id, "title": "Sortie",
         "body_markdown": "x", "body_html": "<p>x</p>", "created_dt": now, "published_dt": now}
        for _ in range(events_count)]))
    kind, value = audience_keys.group_key(group.id)
    db.session.execute(sql_insert(PostAudience), [{"post_id": p, "kind": kind, "value": value} for p in post_ids])
    event_ids = list(db.session.scalars(sql_insert(NotificationEvent).returning(
        NotificationEvent.id, sort_by_parameter_order=True), [
        {"kind": EventKind.POST, "category": Category.NEWS, "post_id": post_id, "created_dt": now,
         "not_before_dt": now, "fanned_out_dt": now, "fanout_cursor": 0} for post_id in post_ids]))
    pairs = [(e, u) for e in event_ids for u in user_ids]
    deliveries = db.session.execute(sql_insert(Delivery).returning(
        Delivery.id, Delivery.public_id, sort_by_parameter_order=True), [
        {"user_id": u, "channel": Channel.EMAIL, "due_dt": now, "status": DeliveryStatus.PENDING, "attempts": 0,
         "is_urgent": False, "created_dt": now} for _, u in pairs]).all()
    db.session.execute(sql_insert(Notification), [
        {"event_id": e, "user_id": u, "category": Category.NEWS, "created_dt": now, "email_delivery_id": d.id}
        for (e, u), d in zip(pairs, deliveries, strict=True)])
    db.session.commit()
    return [d.public_id for d in deliveries]


def class_key(group):
    return [audience_keys.group_key(group.id)]


def statuses() -> dict[str, int]:
    rows = db.session.execute(select(Delivery.status, db.func.count()).group_by(Delivery.status)).all()
    return dict(rows)


class RefusingHandler:
    """An SMTP server refusing some recipients for good (550), others for now (450)."""

    def __init__(self, refused: set[str], deferred: set[str] = frozenset()):
        self.refused = {a.lower() for a in refused}
        self.deferred = {a.lower() for a in deferred}
        self.received = []
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refused:
            return "550 5.1.1 No such user"
        if address.lower() in self.deferred:
            return "450 4.2.1 Mailbox busy, try later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.received.append(email.message_from_bytes(envelope.original_content, policy=policy.default))
        return "250 OK"


def message_ids(messages) -> list[str]:
    return [m["Message-ID"] for m in messages]


def later(moment: datetime, **delta) -> datetime:
    return moment + timedelta(**delta)
