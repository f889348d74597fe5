"""Headers on every response (PRIVACY.md H)."""
from __future__ import annotations

from flask import abort, current_app, request

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)


def sets_own_cache_control(view):
    """Mark a public view naming no person (the service worker, the app manifest) whose own
    ``Cache-Control`` must stay: ``no-cache`` lets the browser revalidate them, ``no-store``
    would make phones download them again and again."""
    view.sets_own_cache_control = True
    return view


def add_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    view = current_app.view_functions.get(request.endpoint)
    if request.endpoint != "static" and not getattr(view, "sets_own_cache_control", False):
        # Pages about a family (activation steps included) must not stay in a shared phone's cache.
        headers["Cache-Control"] = "no-store"
    if current_app.config["ENT_LITE_ENV"] == "production":
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


def refuse_nul_bytes():
    """A NUL character is never valid input; PostgreSQL would reject it with an error."""
    if "\x00" in request.path or b"%00" in request.query_string or "\x00" in request.query_string.decode(
            "latin-1"):
        abort(400)
    if request.method == "POST" and request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        if any("\x00" in value for value in request.form.values()):
            abort(400)
