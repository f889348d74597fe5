"""Rate limits on the public account pages (PRIVACY.md 22).

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
"""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort, request, session
from flask_limiter.util import get_remote_address
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
