"""The guardian's data rights: "my data", contact correction, the export. Guardians only (404 else)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from ent_lite.accounts import throttling
from ent_lite.accounts.email_change import EmailTaken, target_address
from ent_lite.accounts.models import Role
from ent_lite.core.branding import product_name
from ent_lite.core.auth import roles_required
from ent_lite.core.dates import format_when
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.privacy import retention
from ent_lite.rights import export as exports
from ent_lite.rights import services
from ent_lite.rights.forms import ContactForm

bp = Blueprint("rights", __name__, template_folder="templates")


@bp.get("/privacy/my-data")
@roles_required(Role.GUARDIAN)
def my_data():
    now = utcnow()
    own, children, summary = services.my_data(current_user)
    return render_template("rights/my_data.html", own=own, children=children, summary=summary,
                           export=exports.latest_export(current_user, now),
                           export_hours=24 * retention.effective_days("data_exports"))


@bp.route("/privacy/my-data/contact", methods=["GET", "POST"])
@roles_required(Role.GUARDIAN)
# Wrong passwords count, so the form cannot be used to guess the password of an open session.
@throttling.failures_per_user(throttling.PASSWORD_CHANGE_PER_USER)
@throttling.confirmation_mails_per_account
def contact():
    # The address last chosen: a pending one is shown (and kept) rather than silently dropped.
    form = ContactForm(data={"email": target_address(current_user), "phone": current_user.phone})
    if form.validate_on_submit():
        try:
            change = services.correct_contact(current_user, form.email.data, form.phone.data, utcnow(),
                                              password=form.current_password.data)
            db.session.commit()
        except services.PasswordNeeded:
            db.session.rollback()
            throttling.mark_failed()
            form.current_password.errors.append(
                _("This is not your current password.") if form.current_password.data
                else _("Type your current password to change your email address."))
        except (EmailTaken, IntegrityError):
            # IntegrityError: another account took the address between the check and the write.
            db.session.rollback()
            form.email.errors.append(_("This email address is already used by another account."))
        else:
            services.send_contact_mails(current_user, change)
            flash(_contact_message(change), "success")
            return redirect(url_for("rights.my_data", _anchor="contact"))
    return render_template("rights/contact.html", form=form)


def _contact_message(change: services.ContactChange) -> str:
    if change.confirm_token is not None:
        return _("Your contact details are saved. We have sent a link to your new email address: "
                 "follow it to receive messages from %(product)s there. Until then they go to your current address.",
                 product=product_name())
    return _("Your contact details are saved.") if change.fields else _("Nothing was changed.")


@bp.post("/privacy/my-data/export")
@roles_required(Role.GUARDIAN)
def create_export():
    now = utcnow()
    try:
        export = exports.create_export(current_user, now)
    except exports.ExportRefused:
        db.session.rollback()
        flash(_("You have already exported your data today. You can make a new export tomorrow."), "error")
        return redirect(url_for("rights.my_data", _anchor="export"))
    db.session.commit()
    flash(_("Your export is ready. It will be deleted on %(date)s.",
            date=format_when(export.expires_dt)), "success")
    return redirect(url_for("rights.my_data", _anchor="export"))


@bp.get("/privacy/my-data/export/<public_id>")
@roles_required(Role.GUARDIAN)
def download_export(public_id: str):
    found = exports.open_own_export(current_user, public_id, utcnow())
    if found is None:
        abort(404)
    db.session.commit()
    export, handle = found
    response = send_file(handle, mimetype="application/zip", as_attachment=True,
                         download_name=f"ent_lite-my-data-{export.created_dt:%Y-%m-%d}.zip")
    response.headers["Cache-Control"] = "no-store"
    return response
