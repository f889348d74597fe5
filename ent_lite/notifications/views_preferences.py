"""PLACEHOLDER (branch h-email only): the preferences page is written on another branch.

This route exists only so that mails and pages can link to ``notifications.preferences``;
the real page replaces this whole file when the branches are merged.
"""
from __future__ import annotations

from flask import redirect, url_for

from ent_lite.notifications.blueprint import bp


@bp.get("/notifications/preferences")
def preferences():
    return redirect(url_for("accounts.account"))
