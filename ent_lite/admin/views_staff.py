"""Staff accounts: the list, disabling and re-enabling (admins only, others get 404)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ent_lite.accounts.forms import ROLE_LABELS, ConfirmForm
from ent_lite.accounts.models import Role
from ent_lite.admin import staff
from ent_lite.admin.blueprint import bp
from ent_lite.core.auth import roles_required
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db


@bp.get("/staff")
@roles_required(Role.ADMIN)
def staff_list():
    me = current_user._get_current_object()
    return render_template("admin/staff.html", accounts=staff.staff_accounts(me), role_labels=ROLE_LABELS,
                           may_manage=lambda user: staff.may_manage(me, user))


def _load(public_id: str):
    user = staff.manageable_staff(current_user._get_current_object(), public_id)
    if user is None or not ConfirmForm().validate_on_submit():
        abort(404 if user is None else 400)
    return user


@bp.post("/staff/<public_id>/disable")
@roles_required(Role.ADMIN)
def disable_staff(public_id: str):
    user = _load(public_id)
    if staff.disable_staff(current_user, user, utcnow()):
        db.session.commit()
        flash(_("The account of %(name)s is disabled: they are logged out and can no longer log in.",
                name=user.display_name), "success")
    return redirect(url_for(".staff_list"))


@bp.post("/staff/<public_id>/enable")
@roles_required(Role.ADMIN)
def enable_staff(public_id: str):
    user = _load(public_id)
    if staff.enable_staff(current_user, user, utcnow()):
        db.session.commit()
        flash(_("The account of %(name)s is enabled again: they can log in with their password.",
                name=user.display_name), "success")
    return redirect(url_for(".staff_list"))
