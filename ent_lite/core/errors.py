"""Translated error pages that never show a traceback."""
from __future__ import annotations

import logging
from datetime import UTC, datetime

from flask import current_app, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from limits.errors import StorageError
from redis.exceptions import RedisError
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException, InternalServerError

from ent_lite.core.dates import format_when
from ent_lite.extensions import db, limiter

ERROR_TEXTS = {
    400: (_l("Bad request"), _l("The form could not be accepted. Please go back, reload the page and try again.")),
    403: (_l("Access refused"), _l("You do not have access to this page.")),
    404: (_l("Page not found"), _l("This page does not exist or is not available to you.")),
    405: (_l("Not allowed"), _l("This action is not available from this page.")),
    413: (_l("Too large"), _l("What you sent is too large. Please send a smaller file.")),
    415: (_l("File type refused"), _l("This type of file is not accepted.")),
    429: (_l("Too many attempts"), _l("Too many attempts. Please wait a few minutes before trying again.")),
    500: (_l("Something went wrong"), _l("An unexpected error occurred. What you sent may not have been saved; please try again later.")),
    503: (_l("Briefly unavailable"), _l("This service is briefly unavailable. Nothing was saved; please try again in a few minutes.")),
}
# The shared attempt counters (Redis) cannot be reached: refuse rather than check passwords and
# send messages nobody counts, and say it is temporary.
COUNTERS_UNREACHABLE = (RedisError, StorageError)

# Typed text shown back on a "too many" page, so that a refused message is not lost.
KEPT_FIELDS = {"subject": _l("Subject"), "title": _l("Title"), "body": _l("Message")}


def render_error(status: int):
    title, text = ERROR_TEXTS.get(status, ERROR_TEXTS[500])
    return render_template("error.html", status=status, title=title, text=text), status


def handle_http_exception(error: HTTPException):
    status = error.code or 500
    if status not in ERROR_TEXTS:
        return error
    limit = getattr(error, "limit", None)
    if status == 429 and limit is not None and limit.error_message:
        return render_limit_reached(error.description)
    return render_error(status)


def render_limit_reached(text: str):
    """A limit that names its own reason: the reason, when sending works again, and what was typed."""
    breached = limiter.current_limit
    retry = datetime.fromtimestamp(breached.reset_at, UTC) if breached is not None else None
    kept = [(label, request.form[name]) for name, label in KEPT_FIELDS.items()
            if request.method == "POST" and request.form.get(name, "").strip()]
    return render_template("error.html", status=429, title=ERROR_TEXTS[429][0], text=text,
                           retry=format_when(retry) if retry else None, kept=kept), 429


def handle_csrf_error(error: CSRFError):
    return render_error(400)


def handle_unexpected(error: Exception):
    if isinstance(error, HTTPException):
        return handle_http_exception(error)
    current_app.logger.exception("unhandled error")
    db.session.rollback()
    if isinstance(error, COUNTERS_UNREACHABLE):
        return render_error(503)
    return render_error(InternalServerError.code)


class HideDatabaseValues(logging.Filter):
    """PostgreSQL repeats a refused row in its error text ("Failing row contains (...)"):
    a logged database error keeps its traceback, its class and the SQL, never the values
    (the engine already hides the statement's parameters; PRIVACY.md 20)."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, DBAPIError):
            summary = RuntimeError(f"{type(error.orig).__name__} in: {error.statement}")
            record.exc_info = (RuntimeError, summary, record.exc_info[2])
            record.exc_text = None
        return True


def register(app) -> None:
    app.logger.addFilter(HideDatabaseValues())
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)
