"""Sessions: a per-user nonce in the session id, renewal at login, staff timeouts.

The Flask-Login id is "<public_id>:<session_nonce>". Changing the user's nonce
(logout everywhere, password change) makes every other cookie useless.
"""
from __future__ import annotations

import time

from flask import current_app, session
from flask_login import login_user, logout_user
from sqlalchemy import select

from ent_lite.accounts.models import User
from ent_lite.extensions import db, login_manager


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    public_id, _, nonce = user_id.partition(":")
    if not nonce:
        return None
    user = db.session.scalar(select(User).where(User.public_id == public_id))
    if user is None or user.session_nonce != nonce or not user.is_active:
        return None
    return user


def start_session(user: User, remember: bool = False) -> None:
    """Log in with a fresh session: nothing from before login survives (language aside)."""
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    login_user(user, remember=remember and not user.is_staff)
    now = int(time.time())
    session["login_at"] = now
    session["seen_at"] = now
    session.permanent = False


def end_session() -> None:
    language = session.get("lang")
    logout_user()
    session.clear()
    if language:
        session["lang"] = language


def enforce_staff_timeouts():
    """Staff: 30 minutes idle, 12 hours at most (PRIVACY.md 24)."""
    from flask_login import current_user

    if not current_user.is_authenticated or not current_user.is_staff:
        return None
    now = int(time.time())
    idle = current_app.config["STAFF_IDLE_MINUTES"] * 60
    absolute = current_app.config["STAFF_ABSOLUTE_HOURS"] * 3600
    if now - session.get("seen_at", 0) > idle or now - session.get("login_at", 0) > absolute:
        end_session()
        return None
    session["seen_at"] = now
    return None


def init_app(app) -> None:
    login_manager.login_view = "accounts.login"
    login_manager.session_protection = "basic"
    # The staff timeout runs before the login wall so an expired session is sent to login.
    app.before_request(enforce_staff_timeouts)
