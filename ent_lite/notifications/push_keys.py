"""The instance's VAPID key: made once, kept in the database, shared by every app server.

Push services tie each subscription to the public key the page subscribed with, so every
server must sign with the same key, and a second key must never replace the first: that
would silently break every phone already subscribed. The row is written with
INSERT … ON CONFLICT DO NOTHING on the fixed id 1, so two servers starting together keep
one key whichever writes first.
"""
from __future__ import annotations

from functools import lru_cache

from cryptography.hazmat.primitives import serialization
from py_vapid import Vapid
from py_vapid.utils import b64urlencode

from ent_lite.core.db_types import utcnow
from ent_lite.core.upsert import insert
from ent_lite.extensions import db
from ent_lite.notifications.models import VapidKey

KEY_ID = 1


def _stored_pem() -> str:
    key = db.session.get(VapidKey, KEY_ID)
    if key is None:
        fresh = Vapid()
        fresh.generate_keys()
        pem = fresh.private_pem().decode("ascii")
        db.session.execute(insert(VapidKey).values(id=KEY_ID, private_pem=pem, created_dt=utcnow())
                           .on_conflict_do_nothing(index_elements=["id"]))
        # Commit at once: the public key may already be on its way to a browser.
        db.session.commit()
        key = db.session.get(VapidKey, KEY_ID, populate_existing=True)
    return key.private_pem


@lru_cache(maxsize=4)
def _vapid(pem: str) -> Vapid:
    return Vapid.from_pem(pem.encode("ascii"))


def vapid() -> Vapid:
    """The signing key (made on first use)."""
    return _vapid(_stored_pem())


def application_server_key() -> str:
    """The public key as the page gives it to ``pushManager.subscribe`` (base64url, no padding)."""
    raw = vapid().public_key.public_bytes(serialization.Encoding.X962,
                                          serialization.PublicFormat.UncompressedPoint)
    return b64urlencode(raw)
