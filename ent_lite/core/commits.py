"""Committing in the middle of a page without reloading what it already holds.

A commit normally expires every loaded object, so the page then reloads each one it touches
(a post, its audience, its author...: four statements on a post page). A GET that records
something beside what it shows, such as a read receipt, changes none of those rows: it may
keep them.
"""
from __future__ import annotations

from ent_lite.extensions import db


def commit_keeping_loaded() -> None:
    """Commit the session's transaction; the objects loaded so far stay loaded. Only for a
    write that changes none of them (the next request loads everything afresh anyway)."""
    session = db.session()
    expiring = session.expire_on_commit
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expiring
