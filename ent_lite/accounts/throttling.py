"""Rate limits on the public account pages (PRIVACY.md 22), and on what costs the server.

Login limits count only FAILED attempts: a view marks the request as failed with
``mark_failed()``. Stacked limits make the lock-out grow: 5 failures lock for a minute, 10 for
a quarter of an hour, 20 for an hour. The per-account key is the submitted email, whether or
not an account has it, so a 429 tells nothing about which accounts exist.

Failures are counted hit-then-test: every attempt takes its place in the counters BEFORE the
password (or code) is checked, and gets it back when the check passes. Testing first and
counting after the answer let concurrent requests all pass the test before any was counted
(8 passwords checked for a limit of 5); taking the place first means at most 5 checks are
ever in flight or failed per window. Counters live in the limiter's storage and strategy
(fixed window, the default), so ``limiter.reset()`` clears them too.

Behind the login wall, each account has a budget of new messages and of uploaded files
(a photo costs up to a second to process): one account, however busy or compromised,
cannot take the server from everyone else. The 429 page says when sending works again
and shows back what was typed (core.errors).
"""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort, request, session
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from flask_login import current_user
from limits import RateLimitItem, parse_many
from werkzeug.exceptions import HTTPException

from ent_lite.core.text import normalise_email
from ent_lite.extensions import limiter

LOGIN_PER_ACCOUNT = "5/minute;10/15 minutes;20/hour"
# One school's parents may share an address (school wifi, mobile carrier NAT).
LOGIN_PER_IP = "30/15 minutes;100/hour"
RESET_REQUEST_PER_IP = "10/15 minutes;50/day"
RESET_REQUEST_PER_EMAIL = "3/hour"
ACTIVATION_CODE_PER_IP = "10/15 minutes;50/day"
ACTIVATION_NAME_PER_IP = "5/15 minutes;20/day"
ACTIVATION_NAME_PER_CODE = "5/15 minutes;10/day"
PASSWORD_CHANGE_PER_USER = "5/15 minutes;20/day"
# Second-factor codes: a million values, so a few wrong ones per account lock it out for a while.
SECOND_FACTOR_PER_USER = "5/minute;10/15 minutes;20/hour;50/day"
# Far above what a teacher answering families after class sends, far below a flood.
MESSAGES_PER_ACCOUNT = "20/10 minutes;200/day"
# Counted in files: three posts of a class outing's twenty photos fit in ten minutes.
FILES_PER_ACCOUNT = "60/10 minutes;300/day"
MESSAGES_REFUSED = _l("You have sent many messages in a short time. Nothing was sent: please wait a little "
                      "before sending this one.")
# Each change of address or new link mails an address the person typed: not a way to flood someone.
CONFIRMATION_MAILS_PER_ACCOUNT = "5/hour;20/day"
CONFIRMATION_MAILS_REFUSED = _l("You have asked for many confirmation emails in a short time. Nothing was sent: "
                                "please wait a little, then check your mailbox and your spam folder.")
FILES_REFUSED = _l("You have sent many files in a short time. Nothing was sent: please wait a little before "
                   "sending these files, or send the text without them.")

_FAILED = "ent_lite.attempt_failed"


def mark_failed() -> None:
    """Count this request against the failure limits of its endpoint."""
    request.environ[_FAILED] = True


# Keys are prefixed so that an email typed as "127.0.0.1" cannot share an address's bucket.
def _ip_key() -> str:
    return "ip:" + (get_remote_address() or "unknown")


def _email_key() -> str:
    return "email:" + normalise_email(request.form.get("email"))


def _activation_code_key() -> str:
    return "code:" + str(session.get("activation_code_id", "none"))


def _session_user_key() -> str:
    return "user:" + str(session.get("_user_id", "none")).partition(":")[0]


def _claim(places: list[tuple[RateLimitItem, str, str]]) -> list[tuple[RateLimitItem, str, str]] | None:
    """Take one place in every counter; None (and nothing taken) when one of them is full."""
    taken = []
    for item, scope, key in places:
        taken.append((item, scope, key))
        if not limiter.limiter.hit(item, key, scope):
            _give_back(taken)
            return None
    return taken


def _give_back(taken: list[tuple[RateLimitItem, str, str]]) -> None:
    storage = limiter.storage
    for item, scope, key in taken:
        name = item.key_for(key, scope)
        if hasattr(storage, "decr"):
            storage.decr(name)
        else:
            storage.incr(name, item.get_expiry(), amount=-1)


def failures(limits: str, key_func: Callable[[], str], scope: str | None = None):
    """Count the view's failed POSTs per ``key_func()`` (per endpoint unless ``scope`` is shared)."""
    items = parse_many(limits)

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if request.method != "POST" or not limiter.enabled:
                return view(*args, **kwargs)
            key = key_func()
            taken = _claim([(item, scope or request.endpoint, key) for item in items])
            if taken is None:
                abort(429)
            try:
                response = view(*args, **kwargs)
            except HTTPException as error:
                # A 429 from a limit stacked inside: this attempt checked nothing.
                if error.code == 429:
                    _give_back(taken)
                raise
            if not request.environ.get(_FAILED):
                _give_back(taken)
            return response

        return wrapped

    return decorator


def failures_per_account(view):
    return failures(LOGIN_PER_ACCOUNT, _email_key)(view)


def failures_per_ip(limits: str):
    return failures(limits, _ip_key)


def requests_per_ip(limits: str):
    def decorator(view):
        return limiter.limit(limits, key_func=_ip_key, methods=["POST"])(view)

    return decorator


def requests_per_email(limits: str):
    def decorator(view):
        return limiter.limit(limits, key_func=_email_key, methods=["POST"])(view)

    return decorator


def failures_per_activation_code(view):
    return failures(ACTIVATION_NAME_PER_CODE, _activation_code_key)(view)


def failures_per_user(limits: str):
    return failures(limits, _session_user_key)


def second_factor_failures(view):
    """One budget for every second-factor form of an account (code, recovery code, enrolment)."""
    return failures(SECOND_FACTOR_PER_USER, _session_user_key, scope="second_factor")(view)


def _account_key() -> str:
    return "account:" + str(current_user.id)


def _anonymous() -> bool:
    # The limiter runs before the login wall, which turns anonymous requests away anyway.
    return not current_user.is_authenticated


def _files_sent() -> int:
    """How many files the request carries (a preview of a post processes none)."""
    if "preview" in request.form:
        return 0
    return sum(1 for name in request.files for f in request.files.getlist(name) if f.filename)


def messages_per_account(view):
    """One budget of new threads and replies per account, whichever page they are sent from."""
    return limiter.shared_limit(MESSAGES_PER_ACCOUNT, scope="messages", key_func=_account_key, methods=["POST"],
                                exempt_when=_anonymous, error_message=MESSAGES_REFUSED)(view)


def _address_kept() -> bool:
    """A contact form that keeps the address (a new phone number) sends no mail."""
    typed = request.form.get("email")
    return typed is not None and normalise_email(typed) in (current_user.pending_email, current_user.email)


def confirmation_mails_per_account(view):
    """One budget of address changes and new confirmation links per account (each one sends mail)."""
    return limiter.shared_limit(CONFIRMATION_MAILS_PER_ACCOUNT, scope="confirmation_mails", key_func=_account_key,
                                methods=["POST"], exempt_when=lambda: _anonymous() or _address_kept(),
                                error_message=CONFIRMATION_MAILS_REFUSED)(view)


def files_per_account(view):
    """One budget of uploaded files per account; each file counts, requests without files are free."""
    return limiter.shared_limit(FILES_PER_ACCOUNT, scope="files", key_func=_account_key, methods=["POST"],
                                exempt_when=lambda: _anonymous() or not _files_sent(), cost=_files_sent,
                                error_message=FILES_REFUSED)(view)
