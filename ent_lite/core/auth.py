"""The login wall: every endpoint needs a signed-in user unless marked public."""
from __future__ import annotations

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
    """Refuse with 404 (not 403) so that the page's existence is not revealed."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated or current_user.role not in roles:
                abort(404)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def safe_next(target: str | None, fallback: str) -> str:
    """Accept only same-site relative paths, never '//host' or 'scheme:'."""
    if not target:
        return fallback
    target = target.replace("\\", "/")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    return target
