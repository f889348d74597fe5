"""Sessions: one login id per device, renewal at login, staff timeouts.

The Flask-Login id, in the session and in the remember cookie, is built by
``device_logins``: the user's session nonce (changed by logout everywhere and a password
change, it ends every device), this device's key (logging out revokes it: this device
only, copies of its cookies included) and the issue time (no login outlives the
remember-me duration, whatever the browser keeps).
"""
from __future__ import annotations

import time

from flask import current_app, redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from ent_lite.accounts import device_logins, two_factor
from ent_lite.accounts.models import Role, User
from ent_lite.extensions import db, login_manager
from ent_lite.privacy.notice import has_read_current_notice

# Reachable by a guardian who has not yet read the current privacy notice.
NOTICE_EXEMPT_ENDPOINTS = {
    "accounts.privacy_notice", "accounts.logout", "i18n.switch_language", "privacy.notice", "static",
}
# Reachable by an administrator or DPO between the password and the second factor.
SECOND_FACTOR_EXEMPT_ENDPOINTS = {
    "accounts.two_factor_code", "accounts.two_factor_recovery", "accounts.two_factor_setup",
    "accounts.two_factor_setup_key", "accounts.logout",
    "i18n.switch_language", "static",
}
_SECOND_FACTOR_KEY = "second_factor_ok"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    login = device_logins.parse(user_id)
    if login is None or not device_logins.is_current(login, int(time.time())):
        return None
    user = device_logins.load(login)
    if user is None or user.session_nonce != login.nonce or not user.is_active:
        return None
    return user


def _remember_cookie_present() -> bool:
    return current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies


def start_session(user: User, remember: bool = False) -> None:
    """Log in with a fresh session: nothing from before login survives (language aside).

    Remember-me is for guardians only; staff sessions end with the browser or the timeouts.
    """
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    login_user(user, remember=remember and not user.is_staff)
    now = int(time.time())
    # This device's own id; Flask-Login copies it into the remember cookie after the request.
    session["_user_id"] = str(device_logins.new_login_id(user, now))
    session["login_at"] = now
    session["seen_at"] = now
    session.permanent = False


def end_session(everywhere: bool = False) -> None:
    """Log out this device: its login id is revoked, copies of its cookies included.

    With ``everywhere``, the user's nonce changes too, which ends every other device. The
    caller commits.
    """
    user = current_user._get_current_object() if current_user.is_authenticated else None
    if user is not None:
        login = device_logins.parse(session.get("_user_id"))
        if login is not None:
            device_logins.revoke(login, int(time.time()))
        if everywhere:
            user.end_all_sessions()
    forget_session()


def forget_session() -> None:
    """Sign this browser out without writing anything (its cookies are dropped, not revoked)."""
    language = session.get("lang")
    logout_user()
    # logout_user asked for the remember cookie to be deleted; keep that request.
    remember = session.get("_remember")
    session.clear()
    if remember:
        session["_remember"] = remember
    if language:
        session["lang"] = language


def renew_session(user: User) -> None:
    """After the user's nonce changed (password change): sign this browser in again.

    Every other session died with the old nonce; this one keeps its remember-me
    choice, its second factor and its staff login time (a password change does not
    extend the 12 hours).
    """
    remember = user.role == Role.GUARDIAN and _remember_cookie_present()
    login_at = session.get("login_at")
    second_factor = session.get(_SECOND_FACTOR_KEY)
    start_session(user, remember=remember)
    if login_at:
        session["login_at"] = login_at
    if second_factor:
        session[_SECOND_FACTOR_KEY] = second_factor


def second_factor_passed() -> bool:
    return bool(session.get(_SECOND_FACTOR_KEY))


def pass_second_factor() -> None:
    """This session is fully logged in (start_session clears the mark at every login)."""
    session[_SECOND_FACTOR_KEY] = True


def needs_second_factor() -> bool:
    """Logged in with the password only, by an account that must also give a second factor."""
    return (current_user.is_authenticated and two_factor.required_for(current_user)
            and not second_factor_passed())


def enforce_staff_timeouts():
    """Staff: 30 minutes idle, 12 hours at most (PRIVACY.md 24)."""
    if not current_user.is_authenticated or not current_user.is_staff:
        return None
    now = int(time.time())
    idle = current_app.config["STAFF_IDLE_MINUTES"] * 60
    absolute = current_app.config["STAFF_ABSOLUTE_HOURS"] * 3600
    if now - session.get("seen_at", 0) > idle or now - session.get("login_at", 0) > absolute:
        # Only this session timed out: the staff member's other sessions stay valid. Nothing
        # is revoked (a GET writes nothing): any copy of this cookie carries the same old times.
        forget_session()
        return None
    session["seen_at"] = now
    return None


def require_current_notice():
    """A guardian reads the current privacy notice before anything else (new version: at next visit)."""
    if request.endpoint in NOTICE_EXEMPT_ENDPOINTS or request.endpoint is None:
        return None
    if not current_user.is_authenticated or current_user.role != Role.GUARDIAN:
        return None
    if has_read_current_notice(current_user):
        return None
    return redirect(url_for("accounts.privacy_notice"))


def require_second_factor():
    """An administrator or DPO gives the second factor (enrolling first) before anything else.

    The check asks for the mark rather than trusting the login page to have asked, so every
    way into a session (invitation, a role given while logged in) meets it.
    """
    if request.endpoint in SECOND_FACTOR_EXEMPT_ENDPOINTS or request.endpoint is None:
        return None
    if not needs_second_factor():
        return None
    page = "accounts.two_factor_code" if two_factor.is_enrolled(current_user) else "accounts.two_factor_setup"
    target = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for(page, next=target) if target else url_for(page))


def init_app(app) -> None:
    login_manager.login_view = "accounts.login"
    login_manager.session_protection = "basic"
    # The staff timeout runs before the login wall so an expired session is sent to login.
    app.before_request(enforce_staff_timeouts)
    app.before_request(require_second_factor)
    app.before_request(require_current_notice)
