"""The accounts blueprint and what its view modules share: the notice given right after login.

Each ``views_*`` module adds its pages to ``bp``; ``views`` imports them all, and the app
registers ``bp`` from there.
"""
from __future__ import annotations

from datetime import datetime

from flask import Blueprint, flash, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from ent_lite.notifications import problems

bp = Blueprint("accounts", __name__, template_folder="templates")


def tell_at_login(user, now: datetime) -> None:
    """What the person must hear once, right after logging in: mail to their address refused."""
    problem = problems.login_notice(user, now)
    if problem is not None:
        flash(Markup('{} <a href="{}">{}</a>').format(
            _("Emails sent to %(email)s could not be delivered: you may be missing messages from the "
              "school. Check your address.", email=problem.address),
            url_for("accounts.account", _anchor="email-problem"), _("Go to My account")), "error")
