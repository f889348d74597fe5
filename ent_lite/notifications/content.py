"""What a mail or a push says: a generic line per item and a link that requires login.

Never a post's title or text, a message, a thread's subject, a child's name or an image
(PRIVACY.md 18): a line names only the kind of item and the establishment it comes from
("Nouvelle actualité — École Jules Ferry"), so the objects are never loaded, only their
public id and their establishment's name. A registration's change names only the organiser
("Inscription à une activité : du nouveau — Service des sports"): neither the child nor the
activity, and the link is the family's list of registrations.

Everything here works on a whole batch of sends in a few queries (``gather``,
``still_to_tell_many``): a city-wide digest run sends 12,000 mails, and a query per mail or
per item would be most of its cost. ``still_to_tell(send)`` answers for one send but
computes the whole batch on its first call.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from email.charset import QP, Charset
from email.header import Header
from email.message import Message as MailMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from functools import lru_cache

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from ent_lite.accounts.emails import external_url, user_language
from ent_lite.accounts.models import User
from ent_lite.activities.models import Activity, Registration
from ent_lite.conversations.models import Message, Thread
from ent_lite.core.branding import product_name
from ent_lite.core.mail import date_header, mail_domain
from ent_lite.extensions import db
from ent_lite.notifications import seen, unsubscribe
from ent_lite.notifications.models import Category, Delivery, EventKind, Notification
from ent_lite.posts.models import Post
from ent_lite.school.models import Establishment

_UTF8 = Charset("utf-8")
_UTF8.body_encoding = QP
MAX_HEADER_LINE = 998  # RFC 5322


class _PlainHeaders(type(compat32)):
    """compat32, but a short ASCII header is written as it is instead of through an
    ``email.header.Header`` (which the library builds for every header of every mail: a sixth
    of a digest run's time). Long links stay on one line (RFC 5322 allows 998 characters): a
    folded List-Unsubscribe starts with a space some providers do not expect."""

    def _fold(self, name, value, sanitize):
        if isinstance(value, str) and value.isascii() and len(name) + len(value) + 2 <= MAX_HEADER_LINE \
                and "\n" not in value and "\r" not in value:
            return f"{name}: {value}{self.linesep}"
        return super()._fold(name, value, sanitize)


_POLICY = _PlainHeaders(max_line_length=MAX_HEADER_LINE)


@dataclass(frozen=True)
class About:
    """What an item points at: enough for its line and its link, nothing of its content."""

    place: str                          # the establishment's name (allowed in a mail)
    endpoint: str                       # the page that shows it, behind login
    public_id: str
    post_id: int | None = None
    asks_signature: bool = False
    thread_id: int | None = None
    message_dt: datetime | None = None  # when the message was written (read if opened since)
    withdrawn: bool = False


@dataclass
class _Batch:
    """The sends gathered together, so the first ``still_to_tell`` answers for all of them."""

    sends: list[Send] = field(default_factory=list)
    lines: dict[tuple, tuple[str, str]] = field(default_factory=dict)


@dataclass
class Send:
    """One delivery with its person and the items it tells about."""

    delivery: Delivery
    user: User
    items: list[Notification] = field(default_factory=list)
    # Filled by still_to_tell_many: the items left once those seen in the app are dropped.
    remaining: list[Notification] | None = None
    batch: _Batch | None = field(default=None, repr=False)


# --- loading a batch -----------------------------------------------------------------------

def gather(deliveries: list[Delivery]) -> list[Send]:
    """Load the people and items of these deliveries, and what each item points at.

    Four queries for the whole batch: people, items with their events, posts, messages.
    """
    if not deliveries:
        return []
    ids = {d.id for d in deliveries}
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_({d.user_id for d in deliveries})))}
    items: dict[int, list[Notification]] = defaultdict(list)
    rows = db.session.scalars(
        select(Notification).options(joinedload(Notification.event))
        .where(or_(Notification.email_delivery_id.in_(ids), Notification.push_delivery_id.in_(ids)))
        .order_by(Notification.id)
    ).all()
    for item in rows:
        for delivery_id in (item.email_delivery_id, item.push_delivery_id):
            if delivery_id in ids:
                items[delivery_id].append(item)
    describe(rows)
    batch = _Batch()
    batch.sends = [Send(d, users[d.user_id], items[d.id], batch=batch) for d in deliveries]
    return batch.sends


def describe(items: list[Notification]) -> None:
    """Attach to each item what it points at (three queries whatever the number of items)."""
    post_ids = {i.event.post_id for i in items if i.event.post_id is not None and i.event.message_id is None}
    message_ids = {i.event.message_id for i in items if i.event.message_id is not None}
    posts = {}
    if post_ids:
        posts = {row.id: About(row.name, "posts.detail", row.public_id, post_id=row.id,
                               asks_signature=bool(row.requires_ack))
                 for row in db.session.execute(
                     select(Post.id, Post.public_id, Post.requires_ack, Establishment.name)
                     .join(Establishment, Establishment.id == Post.establishment_id).where(Post.id.in_(post_ids)))}
    messages = {}
    if message_ids:
        messages = {row.id: About(row.name, "conversations.thread", row.public_id, thread_id=row.thread_id,
                                  message_dt=row.created_dt, withdrawn=row.withdrawn_dt is not None)
                    for row in db.session.execute(
                        select(Message.id, Message.created_dt, Message.withdrawn_dt, Message.thread_id,
                               Thread.public_id, Establishment.name)
                        .join(Thread, Thread.id == Message.thread_id)
                        .join(Establishment, Establishment.id == Thread.establishment_id)
                        .where(Message.id.in_(message_ids)))}
    registration_ids = {i.event.registration_id for i in items if i.event.registration_id is not None}
    registrations = {}
    if registration_ids:
        # The link is the list of the family's registrations: no id of the child's in the mail.
        registrations = {row.id: About(row.name, "activities.my_registrations", "")
                         for row in db.session.execute(
                             select(Registration.id, Establishment.name)
                             .join(Activity, Activity.id == Registration.activity_id)
                             .join(Establishment, Establishment.id == Activity.establishment_id)
                             .where(Registration.id.in_(registration_ids)))}
    for item in items:
        event = item.event
        if event.registration_id is not None:
            item.about = registrations.get(event.registration_id)
            continue
        about = messages.get(event.message_id) if event.message_id is not None else posts.get(event.post_id)
        # A plain attribute, not a column: it lives as long as the loaded object.
        item.about = about


def _about(item: Notification) -> About | None:
    if not hasattr(item, "about"):
        describe([item])
    return item.about


# --- what is still worth telling -----------------------------------------------------------

def still_to_tell(send: Send) -> list[Notification]:
    """The items not yet seen in the app (a digest leaves out what was read meanwhile).

    Computed for the send's whole batch on the first call: a few queries per batch.
    """
    if send.remaining is None:
        still_to_tell_many(send.batch.sends if send.batch is not None else [send])
    return send.remaining


def still_to_tell_many(sends: list[Send]) -> dict[int, list[Notification]]:
    """{delivery id: items still worth telling} for a batch; also fills each ``send.remaining``.

    What was seen or done in the app meanwhile is left out (``seen.worth_telling``). Three
    queries, plus one per post reminded in the batch.
    """
    sends = [s for s in sends if s.remaining is None]
    every_item = [item for s in sends for item in s.items]
    abouts = {item.id: _about(item) for item in every_item}
    known = [a for a in abouts.values() if a is not None]
    facts = seen.seen_in_app({s.user.id for s in sends}, {a.post_id for a in known if a.post_id},
                             {a.thread_id for a in known if a.thread_id},
                             {i.event.post_id for i in every_item if i.event.kind == EventKind.REMINDER})
    for send in sends:
        send.remaining = [item for item in send.items
                          if seen.worth_telling(item, abouts[item.id], send.user.id, send.delivery.channel, facts)]
    return {s.delivery.id: s.remaining for s in sends}


# --- the words -----------------------------------------------------------------------------

def item_line(item: Notification) -> str:
    """One generic line for an item, in the current locale ("New post — Jules Ferry school")."""
    about = _about(item)
    place = about.place if about else ""
    if item.category == Category.URGENT:
        return _("Urgent message — %(place)s", place=place)
    if item.event.kind == EventKind.REMINDER:
        return _("Reminder: signature requested — %(place)s", place=place)
    if item.event.kind == EventKind.ACTIVITY:
        return _("Activity registration: news — %(place)s", place=place)
    if item.category == Category.TODO:
        if about is not None and about.asks_signature:
            return _("Signature requested — %(place)s", place=place)
        return _("Answer requested — %(place)s", place=place)
    if item.category == Category.MESSAGES:
        return _("New message — %(place)s", place=place)
    return _("New post — %(place)s", place=place)


def item_link(item: Notification) -> str:
    """The page of the item; it requires login, as every page but a few public ones."""
    about = _about(item)
    if about is None:
        return external_url("posts.feed")
    if not about.public_id:
        return external_url(about.endpoint)
    return external_url(about.endpoint, public_id=about.public_id)


def message_id(delivery: Delivery) -> str:
    """Stable per delivery: a retry after a crash repeats it, so a repeat can be recognised."""
    return f"<{delivery.public_id}@{mail_domain()}>"


def email_message(send: Send, now: datetime) -> MailMessage:
    """The mail for one delivery, in the person's language: plain text and simple HTML.

    One item sent at once gets its own mail; a digest lists every item still to tell, school,
    periscolaire and city together. Headers: a stable Message-ID, the Date, and RFC 8058
    one-click unsubscribing (``List-Unsubscribe`` + ``List-Unsubscribe-Post``).

    Built with the ``email`` package's compat32 classes: the modern ``EmailMessage`` parses
    and folds every header it is given and costs three times as much, which a 12,000-mail
    digest run pays in full. Quoted-printable bodies stay readable in the demo's console.
    """
    items = still_to_tell(send)
    user = send.user
    language = user_language(user)
    with force_locale(language):
        product = product_name()
        lines = [_line(send, item, language) for item in items]
        digest = send.delivery.digest_slot_dt is not None or len(lines) != 1
        if digest:
            subject = ngettext("%(num)d new item waiting for you on %(product)s",
                               "%(num)d new items waiting for you on %(product)s", len(lines), product=product)
        else:
            subject = lines[0][0]
        unsubscribe_link = unsubscribe.link(user)
        context = {
            "lines": lines,
            "feed_link": external_url("posts.feed"),
            "preferences_link": external_url("notifications.preferences"),
            "unsubscribe_link": unsubscribe_link,
            "current_language": language,
            "product_name": product,
        }
        name = "digest" if digest else "immediate"
        # The templates need no request: rendered directly, without the page context processors.
        environment = current_app.jinja_env
        text = environment.get_template(f"notifications/email/{name}.txt").render(context)
        html = environment.get_template(f"notifications/email/{name}.html").render(context)
    # A boundary of its own, random like the delivery's id: the library would otherwise draw
    # one and search both bodies for it, mail after mail.
    message = MIMEMultipart("alternative", boundary=f"=_{send.delivery.public_id}", policy=_POLICY)
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = user.email
    message["Subject"] = _encoded_subject(subject)
    message["Date"] = date_header(now)
    message["Message-ID"] = message_id(send.delivery)
    message["List-Unsubscribe"] = f"<{unsubscribe_link}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    # Marks the mail as automatic: no out-of-office answers to a notification.
    message["Auto-Submitted"] = "auto-generated"
    message.attach(MIMEText(text, "plain", _UTF8))
    message.attach(MIMEText(html, "html", _UTF8))
    return message


@lru_cache(maxsize=256)
def _encoded_subject(subject: str) -> str:
    """RFC 2047 form of a subject; the same few subjects head thousands of digests."""
    return subject if subject.isascii() else Header(subject, "utf-8").encode(maxlinelen=MAX_HEADER_LINE)


def _line(send: Send, item: Notification, language: str) -> tuple[str, str]:
    """(line, link) of an item; the same for everyone told of it in a language, so computed
    once per batch (a city post is in thousands of digests)."""
    cache = send.batch.lines if send.batch is not None else {}
    key = (item.event_id, item.category, language)
    if key not in cache:
        cache[key] = (item_line(item), item_link(item))
    return cache[key]
