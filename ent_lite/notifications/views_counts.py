"""The navigation's counts, offered to every template of a logged-in person.

``nav_counts`` is one ``NavCounts`` per request: a number costs its query only when the page
shows it, and once however many templates ask. It is kept in the request's WSGI environ, not
on ``g``: ``g`` lives as long as the application context, which may span several requests
(a test, a CLI command), and a count must never be carried over from an earlier request.
"""
from __future__ import annotations

from flask import has_request_context, request
from flask_login import current_user

from ent_lite.core.db_types import utcnow
from ent_lite.notifications.blueprint import bp
from ent_lite.notifications.counts import NavCounts

_KEY = "ent_lite.nav_counts"


def request_counts() -> NavCounts:
    """This request's counts; a page that lists what it counts (the family home's "To do")
    reads them here, so the list and the number are one computation."""
    if _KEY not in request.environ:
        request.environ[_KEY] = NavCounts(current_user, utcnow())
    return request.environ[_KEY]


@bp.app_context_processor
def nav_counts() -> dict:
    if not has_request_context() or not getattr(current_user, "is_authenticated", False):
        return {}
    return {"nav_counts": request_counts()}
