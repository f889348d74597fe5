"""Entry points that belong to no feature: the home redirect and a health check."""
from __future__ import annotations

from flask import Blueprint, redirect, url_for
from flask_login import current_user

from ent_lite.core.auth import public

bp = Blueprint("core", __name__)

# Where each role lands after login.
HOME_BY_ROLE = {
    "guardian": "posts.feed",
    "teacher": "posts.feed",
    "director": "posts.feed",
    "animator": "posts.feed",
    "city_agent": "posts.feed",
    "admin": "admin.index",
    "dpo": "dpo.workspace",
}


@bp.get("/")
@public
def home():
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login"))
    return redirect(url_for(HOME_BY_ROLE.get(current_user.role, "posts.feed")))


@bp.get("/health")
@public
def health():
    return {"status": "ok"}
