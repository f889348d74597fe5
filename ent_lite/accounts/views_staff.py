"""Staff invitation page, for admins (whole city) and directors (their school)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from ent_lite.accounts import invitations
from ent_lite.accounts.forms import ROLE_LABELS, ConfirmForm, StaffInviteForm
from ent_lite.accounts.invitations import InviteScope
from ent_lite.accounts.models import Role, User
from ent_lite.accounts.blueprint import bp
from ent_lite.audit.services import record
from ent_lite.core.auth import roles_required
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db


def _set_choices(form: StaffInviteForm, scope: InviteScope) -> None:
    form.role.choices = [SelectChoice("", "—")] + [SelectChoice(role, str(ROLE_LABELS[role]))
                                                   for role in scope.roles]
    form.establishment.choices = [SelectChoice("", "—")] + [SelectChoice(e.public_id, e.name)
                                                            for e in scope.establishments]
    names = {e.id: e.name for e in scope.establishments}
    form.groups.choices = [SelectChoice(g.public_id, f"{names[g.establishment_id]} · {g.name} ({g.school_year})")
                           for g in scope.groups]


def _flash_sent(user: User, sent: bool) -> None:
    if sent:
        flash(_("An invitation was sent to %(email)s.", email=user.email), "success")
    else:
        flash(_("The invitation email to %(email)s could not be sent. Try again later with "
                "“Send again”.", email=user.email), "error")


@bp.route("/staff/invite", methods=["GET", "POST"])
@roles_required(Role.ADMIN, Role.DIRECTOR)
def invite_staff():
    scope = invitations.invite_scope(current_user)
    form = StaffInviteForm()
    _set_choices(form, scope)
    if form.validate_on_submit():
        placement, problems = invitations.check_invitation(scope, form.email.data, form.role.data,
                                                           form.establishment.data, form.groups.data)
        for name, messages in problems.items():
            form[name].errors.extend(messages)
        if placement is not None:
            user, sent = invitations.invite(current_user, form.first_name.data, form.last_name.data,
                                            form.email.data, placement, utcnow())
            db.session.commit()
            _flash_sent(user, sent)
            return redirect(url_for("accounts.invite_staff"))
    return render_template("accounts/invite_staff.html", form=form, confirm_form=ConfirmForm(),
                           pending=invitations.pending_invitations(current_user), role_labels=ROLE_LABELS)


@bp.post("/staff/invite/<public_id>/resend")
@roles_required(Role.ADMIN, Role.DIRECTOR)
def resend_invitation(public_id: str):
    user = db.session.scalar(select(User).where(User.public_id == public_id))
    if user is None or user not in invitations.pending_invitations(current_user):
        abort(404)
    now = utcnow()
    sent = invitations.send_staff_invitation(user, now)
    record("admin.invite_resend", actor=current_user, target=user, now=now, details={"email_sent": sent})
    db.session.commit()
    _flash_sent(user, sent)
    return redirect(url_for("accounts.invite_staff"))
