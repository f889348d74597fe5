"""The login wall: every endpoint needs a signed-in user unless marked public."""
from __future__ import annotations

import unicodedata
from functools import wraps
from urllib.parse import urlsplit

from flask import abort, current_app, redirect, request, url_for
from flask_login import current_user

# Endpoints outside any blueprint view function that must stay reachable.
ALWAYS_PUBLIC = {"static"}


def public(view):
    """Mark a view as reachable without login (login, activation, notice...)."""
    view.is_public = True
    return view


def is_public_endpoint(endpoint: str | None) -> bool:
    if endpoint is None or endpoint in ALWAYS_PUBLIC:
        return True
    view = current_app.view_functions.get(endpoint)
    return bool(getattr(view, "is_public", False))


def login_wall():
    if is_public_endpoint(request.endpoint) or current_user.is_authenticated:
        return None
    return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))


def roles_required(*roles: str):
    """Refuse with 404 (not 403) so that the page's existence is not revealed. The roles stay on
    the view (``allowed_roles``) so that a link to the page asks the page's own gate
    (``role_gate_opens``), never a copy of it."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not role_allowed(current_user, roles):
                abort(404)
            return view(*args, **kwargs)

        wrapped.allowed_roles = frozenset(roles)
        return wrapped

    return decorator


def role_allowed(user, roles) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.role in roles


def role_gate_opens(user, endpoint: str) -> bool:
    """Whether the ``roles_required`` gate of the page at ``endpoint`` lets ``user`` in.

    A page with no such gate raises LookupError: its access is decided inside the view, by a
    rule the caller must ask itself."""
    roles = getattr(current_app.view_functions[endpoint], "allowed_roles", None)
    if roles is None:
        raise LookupError(f"{endpoint} has no roles_required gate")
    return role_allowed(user, roles)


# Line and paragraph separators, refused with the control characters.
_LINE_BREAKING = {"Zl", "Zp"}


def safe_next(target: str | None, fallback: str) -> str:
    """Accept only same-site relative paths, never '//host', 'scheme:' or '/\\host'.

    The answer is the target unchanged or the fallback, never a cleaned copy: what is checked
    is what the Location header carries. Control characters (a CR or LF would split the header
    and end in a 500) line separators and backslashes (read as '/' by browsers) are refused outright.
    """
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return fallback
    if any(unicodedata.category(char) in _LINE_BREAKING or unicodedata.category(char).startswith("C")
           for char in target):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    return target
