"""Web Push: tell a person's phones that something is waiting, never what (PRIVACY.md 18).

The payload is encrypted for each device as RFC 8291 requires (aes128gcm) and signed with
the instance's VAPID key; it still says only a generic line ("New post — Jules Ferry
school") and a link that requires login, since the push service and the lock screen see it.

Each push service gets ``PUSH_TIMEOUT_SECONDS`` to answer: a slow or failing one leaves the
push due for a retry, and the person's mail, a separate delivery, is never held up by it.
A device the push service no longer knows (404, 410) is forgotten.
"""
from __future__ import annotations

import json
from datetime import datetime

import requests
from flask import current_app
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from pywebpush import WebPushException, webpush
from sqlalchemy import select

from ent_lite.conversations.models import Message, Thread
from ent_lite.core.branding import product_name
from ent_lite.core.i18n import DEFAULT_LANGUAGE
from ent_lite.extensions import db
from ent_lite.notifications import subscriptions
from ent_lite.notifications.channels.registry import FAILED, RETRY, SENT, SKIPPED, Outcome, sender
from ent_lite.notifications.content import Send, item_line, still_to_tell
from ent_lite.notifications.models import Channel, Notification, PushSubscription
from ent_lite.notifications.push_keys import vapid
from ent_lite.posts.models import Post

GONE = (404, 410)


class _NoRedirects(requests.Session):
    """A push service never redirects: following one could lead the server to an internal address."""

    def request(self, *args, **kwargs):
        kwargs["allow_redirects"] = False
        return super().request(*args, **kwargs)


def _path(endpoint: str, **values) -> str:
    # Built without a request (the worker has none): a path, joined to the app's origin by the browser.
    return current_app.url_map.bind("localhost").build(endpoint, values)


def item_path(item: Notification) -> str:
    """Where a click on the push leads: the post, the conversation or the family's registrations,
    behind the login wall."""
    event = item.event
    if event.post_id is not None:
        public_id = db.session.scalar(select(Post.public_id).where(Post.id == event.post_id))
        if public_id:
            return _path("posts.detail", public_id=public_id)
    if event.message_id is not None:
        public_id = db.session.scalar(select(Thread.public_id).join(Message, Message.thread_id == Thread.id)
                                      .where(Message.id == event.message_id))
        if public_id:
            return _path("conversations.thread", public_id=public_id)
    if event.registration_id is not None:
        return _path("activities.my_registrations")
    return _path("core.home")


def payload(items: list[Notification]) -> dict:
    """What the phone shows, in the current locale: a generic line and a link, no content."""
    if len(items) == 1:
        return {"title": item_line(items[0]), "body": _("Tap to open %(product)s.", product=product_name()), "url": item_path(items[0])}
    return {"title": ngettext("%(num)d new item is waiting for you", "%(num)d new items are waiting for you",
                              len(items)),
            "body": _("Tap to open %(product)s.", product=product_name()), "url": _path("core.home")}


def _vapid_subject() -> str:
    # Push services write here when a sender misbehaves: the public site, else the sender address.
    base = current_app.config["BASE_URL"]
    return base.rstrip("/") if base.startswith("https://") else "mailto:" + current_app.config["MAIL_FROM"]


def _push_one(device: PushSubscription, data: str, urgent: bool, session: requests.Session) -> str | int:
    """Send to one device: ``"ok"``, ``"retry"``, ``"gone"`` or the HTTP status that refused it."""
    if not subscriptions.allow_local() and not subscriptions.resolves_publicly(device.endpoint):
        return "private address"
    try:
        webpush({"endpoint": device.endpoint, "keys": {"p256dh": device.p256dh, "auth": device.auth}},
                data=data, vapid_private_key=vapid(), vapid_claims={"sub": _vapid_subject()},
                content_encoding="aes128gcm", ttl=current_app.config["PUSH_TTL_SECONDS"],
                timeout=current_app.config["PUSH_TIMEOUT_SECONDS"], requests_session=session,
                # RFC 8030: a phone saving its battery wakes up at once only for what is urgent.
                headers={"Urgency": "high" if urgent else "normal"})
    except WebPushException as error:
        status = error.response.status_code if error.response is not None else None
        if status in GONE:
            return "gone"
        if status is None or status == 429 or status >= 500:
            return "retry"
        return status
    except requests.RequestException:  # timeout, refused connection, TLS failure: try later
        return "retry"
    return "ok"


def push_send(send: Send, now: datetime, session: requests.Session) -> Outcome:
    """One delivery to every device of its person."""
    items = still_to_tell(send)
    if not items:
        return Outcome(SKIPPED, "nothing left to tell")
    devices = subscriptions.devices_of(send.user.id)
    if not devices:
        return Outcome(SKIPPED, "no device")
    with force_locale(send.user.locale or DEFAULT_LANGUAGE):
        data = json.dumps(payload(items), ensure_ascii=False)
    results = []
    for device in devices:
        result = _push_one(device, data, send.delivery.is_urgent, session)
        if result == "ok":
            device.last_success_dt = now
        elif result == "gone":
            db.session.delete(device)
        results.append(result)
    db.session.flush()
    if "ok" in results:
        return Outcome(SENT)
    if "retry" in results:
        return Outcome(RETRY, "push service unavailable or too slow")
    refused = [str(result) for result in results if result != "gone"]
    if refused:
        return Outcome(FAILED, "push refused: " + ", ".join(sorted(set(refused))))
    return Outcome(SKIPPED, "every device expired")


@sender(Channel.PUSH)
def send_pushes(sends: list[Send], now: datetime):
    """The push sender: yields ``(send, Outcome)`` after each delivery (see ``channels``)."""
    with _NoRedirects() as session:
        for send in sends:
            yield send, push_send(send, now, session)
