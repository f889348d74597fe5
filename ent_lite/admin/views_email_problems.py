"""The accounts whose address the mail server refuses (admins only, others get 404).

Families and staff behind a refused address miss every mail, urgent ones included: the
administrator sees who they are, to call them or correct the roster.
"""
from __future__ import annotations

from flask import render_template
from flask_login import current_user

from ent_lite.accounts.forms import ROLE_LABELS
from ent_lite.accounts.models import Role
from ent_lite.admin.blueprint import bp
from ent_lite.core.auth import roles_required
from ent_lite.notifications import problems


@bp.get("/email-problems")
@roles_required(Role.ADMIN)
def email_problems():
    return render_template("admin/email_problems.html", rows=problems.refused_accounts(current_user.city_id),
                           role_labels=ROLE_LABELS)
