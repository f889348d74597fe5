"""The phones and browsers where a person turned push notifications on.

What a page posts is checked strictly before it is stored, because the server later sends a
request to the endpoint it names: only an https URL on a public host is accepted, never a
private or loopback address that would let anyone make the server reach the city's internal
network. ``PUSH_ALLOW_LOCAL_ENDPOINTS`` lifts that rule for the tests' local receiver only.
The keys must be what a browser makes: an uncompressed P-256 point and a 16-byte secret.
"""
from __future__ import annotations

import base64
import binascii
import ipaddress
import re
import socket
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from ent_lite.core.db_types import new_public_id
from ent_lite.core.upsert import insert
from ent_lite.extensions import db
from ent_lite.notifications.models import PushSubscription

MAX_ENDPOINT_LENGTH = 1000
# Host names that only ever mean something inside a private network.
_PRIVATE_SUFFIXES = (".localhost", ".local", ".internal", ".lan", ".home.arpa", ".localdomain", ".intranet")


class SubscriptionError(ValueError):
    """A subscription refused, with a translated reason for the page."""


@dataclass(frozen=True)
class NewSubscription:
    endpoint: str
    p256dh: str
    auth: str


def _b64url(value, name: str) -> bytes:
    if not isinstance(value, str) or not value or not re.fullmatch(r"[A-Za-z0-9_-]+={0,2}", value):
        raise SubscriptionError(_("The key %(name)s is missing or not in base64url.", name=name))
    try:
        return base64.urlsafe_b64decode(value.rstrip("=") + "=" * (-len(value.rstrip("=")) % 4))
    except (binascii.Error, ValueError) as error:
        raise SubscriptionError(_("The key %(name)s is missing or not in base64url.", name=name)) from error


def _is_public_address(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def _host_is_public(host: str) -> bool:
    """A public name or address (names are also checked once resolved, at each send)."""
    try:
        return _is_public_address(host)
    except ValueError:
        pass
    name = host.rstrip(".").lower()
    return "." in name and name != "localhost" and not name.endswith(_PRIVATE_SUFFIXES)


def allow_local() -> bool:
    return bool(current_app.config["PUSH_ALLOW_LOCAL_ENDPOINTS"])


def is_plain_text(value) -> bool:
    """A non-empty string short enough for the column, without control characters (a NUL
    would make PostgreSQL fail the query instead of finding nothing)."""
    return (isinstance(value, str) and 0 < len(value) <= MAX_ENDPOINT_LENGTH
            and not any(ord(char) < 32 or ord(char) == 127 for char in value))


def check_endpoint(endpoint, allow_local_hosts: bool) -> str:
    """The endpoint if a push service may live there: https, a public host, the default port."""
    if not isinstance(endpoint, str) or not endpoint or len(endpoint) > MAX_ENDPOINT_LENGTH:
        raise SubscriptionError(_("The push address is missing or too long."))
    if any(ord(char) < 33 or ord(char) == 127 for char in endpoint):
        raise SubscriptionError(_("The push address is not a valid web address."))
    try:
        parts = urlsplit(endpoint)
        port = parts.port
    except ValueError as error:
        raise SubscriptionError(_("The push address is not a valid web address.")) from error
    host = parts.hostname or ""
    if allow_local_hosts and parts.scheme in ("http", "https") and host:
        return endpoint
    if parts.scheme != "https" or not host or parts.username is not None or parts.password is not None:
        raise SubscriptionError(_("The push address must be an https address."))
    if port not in (None, 443) or not _host_is_public(host):
        raise SubscriptionError(_("The push address must be on a public push service."))
    return endpoint


def resolves_publicly(endpoint: str) -> bool:
    """Checked before each send: a public name that now points inside the network is refused."""
    host = urlsplit(endpoint).hostname or ""
    try:
        infos = socket.getaddrinfo(host, 443, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return True  # unreachable anyway: the send fails and is retried like any network error
    return all(_is_public_address(info[4][0].split("%")[0]) for info in infos)


def parse(data, allow_local_hosts: bool = False) -> NewSubscription:
    """Check what ``PushSubscription.toJSON()`` gave; raises ``SubscriptionError``."""
    if not isinstance(data, dict) or not isinstance(data.get("keys"), dict):
        raise SubscriptionError(_("The subscription is not in the expected form."))
    endpoint = check_endpoint(data.get("endpoint"), allow_local_hosts)
    p256dh, auth = data["keys"].get("p256dh"), data["keys"].get("auth")
    point = _b64url(p256dh, "p256dh")
    if len(point) != 65 or point[0] != 4:
        raise SubscriptionError(_("The key p256dh is not an uncompressed P-256 public key."))
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except ValueError as error:
        raise SubscriptionError(_("The key p256dh is not a point on the P-256 curve.")) from error
    if len(_b64url(auth, "auth")) != 16:
        raise SubscriptionError(_("The key auth must be 16 bytes long."))
    return NewSubscription(endpoint, p256dh.rstrip("="), auth.rstrip("="))


_BROWSERS = (("Edg/", "Edge"), ("SamsungBrowser", "Samsung Internet"), ("OPR/", "Opera"),
             ("Firefox/", "Firefox"), ("FxiOS", "Firefox"), ("CriOS", "Chrome"), ("Chrome/", "Chrome"),
             ("Safari/", "Safari"))
_SYSTEMS = (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Windows", "Windows"),
            ("Mac OS X", "Mac"), ("CrOS", "ChromeOS"), ("Linux", "Linux"))


def device_label(user_agent: str | None) -> str:
    """A short name a person recognises on the list ("Chrome on Android"); never the raw header."""
    agent = user_agent or ""
    browser = next((name for token, name in _BROWSERS if token in agent), None)
    system = next((name for token, name in _SYSTEMS if token in agent), None)
    if browser and system:
        return _("%(browser)s on %(system)s", browser=browser, system=system)
    return browser or system or _("Unknown browser")


def devices_of(user_id: int) -> list[PushSubscription]:
    return list(db.session.scalars(select(PushSubscription).where(PushSubscription.user_id == user_id)
                                   .order_by(PushSubscription.created_dt, PushSubscription.id)))


def subscribe(user_id: int, new: NewSubscription, label: str, now: datetime) -> PushSubscription:
    """Store a device, or update it when the endpoint is known (a phone passed to someone else
    moves to the account signed in on it). Refused past ``PUSH_MAX_DEVICES`` other devices.

    One INSERT … ON CONFLICT: a double tap or two tabs subscribing together store one row.
    """
    others = db.session.scalar(select(func.count()).select_from(PushSubscription).where(
        PushSubscription.user_id == user_id, PushSubscription.endpoint != new.endpoint))
    if others >= current_app.config["PUSH_MAX_DEVICES"]:
        raise SubscriptionError(_("You have too many devices receiving notifications. "
                                  "Remove one you no longer use first."))
    values = {"user_id": user_id, "p256dh": new.p256dh, "auth": new.auth, "device_label": label[:100]}
    statement = insert(PushSubscription).values(endpoint=new.endpoint, public_id=new_public_id(),
                                                created_dt=now, **values)
    db.session.execute(statement.on_conflict_do_update(index_elements=["endpoint"], set_=values))
    return db.session.scalar(select(PushSubscription).where(PushSubscription.endpoint == new.endpoint)
                             .execution_options(populate_existing=True))


def remove(user_id: int, *, public_id: str | None = None, endpoint: str | None = None) -> bool:
    """Remove one of this person's devices; False when there was none such."""
    query = select(PushSubscription).where(PushSubscription.user_id == user_id)
    if public_id is not None:
        query = query.where(PushSubscription.public_id == public_id)
    elif endpoint is not None:
        query = query.where(PushSubscription.endpoint == endpoint)
    else:
        return False
    row = db.session.scalar(query)
    if row is None:
        return False
    db.session.delete(row)
    db.session.flush()
    return True
