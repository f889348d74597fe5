"""Rate limits on the public account pages (PRIVACY.md 22).

Login limits count only FAILED attempts (``deduct_when``): a view marks the request
as failed with ``mark_failed()``. Stacked limits make the lock-out grow: 5 failures
lock for a minute, 10 for a quarter of an hour, 20 for an hour. The per-account key
is the submitted email, whether or not an account has it, so a 429 tells nothing
about which accounts exist.
"""
from __future__ import annotations

from flask import request, session
from flask_limiter.util import get_remote_address

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


def _failed(response) -> bool:
    return bool(request.environ.get(_FAILED))


# Keys are prefixed so that an email typed as "127.0.0.1" cannot share an address's bucket.
def _ip_key() -> str:
    return "ip:" + (get_remote_address() or "unknown")


def _email_key() -> str:
    return "email:" + normalise_email(request.form.get("email"))


def _activation_code_key() -> str:
    return "code:" + str(session.get("activation_code_id", "none"))


def _session_user_key() -> str:
    return "user:" + str(session.get("_user_id", "none")).partition(":")[0]


def failures_per_account(view):
    return limiter.limit(LOGIN_PER_ACCOUNT, key_func=_email_key, methods=["POST"], deduct_when=_failed)(view)


def failures_per_ip(limits: str):
    def decorator(view):
        return limiter.limit(limits, key_func=_ip_key, methods=["POST"], deduct_when=_failed)(view)

    return decorator


def requests_per_ip(limits: str):
    def decorator(view):
        return limiter.limit(limits, key_func=_ip_key, methods=["POST"])(view)

    return decorator


def requests_per_email(limits: str):
    def decorator(view):
        return limiter.limit(limits, key_func=_email_key, methods=["POST"])(view)

    return decorator


def failures_per_activation_code(view):
    return limiter.limit(ACTIVATION_NAME_PER_CODE, key_func=_activation_code_key, methods=["POST"],
                         deduct_when=_failed)(view)


def failures_per_user(limits: str):
    def decorator(view):
        return limiter.limit(limits, key_func=_session_user_key, methods=["POST"], deduct_when=_failed)(view)

    return decorator


def second_factor_failures(view):
    """One budget for every second-factor form of an account (code, recovery code, enrolment)."""
    return limiter.shared_limit(SECOND_FACTOR_PER_USER, scope="second_factor", key_func=_session_user_key,
                                methods=["POST"], deduct_when=_failed)(view)
