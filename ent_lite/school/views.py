"""Activation codes and printable letters for the families of a class (directors and admins)."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import format_date, ngettext
from flask_login import current_user
from sqlalchemy import select

from ent_lite.accounts.activation import format_code
from ent_lite.audience.rules import can_see_codes
from ent_lite.audit.services import record
from ent_lite.core.auth import roles_required
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.school import codes
from ent_lite.school.models import Group

bp = Blueprint("school", __name__, url_prefix="/school", template_folder="templates")


def get_class_for_codes(public_id: str) -> Group:
    """The class if the current user may see its codes; 404 otherwise, whether it exists or not."""
    group = db.session.scalar(select(Group).where(Group.public_id == public_id))
    if group is None or not can_see_codes(current_user, group):
        abort(404)
    return group


def activation_url() -> str:
    """The address printed on the letters: the public site, whatever host served this page."""
    return current_app.config["BASE_URL"].rstrip("/") + url_for("accounts.activate")


@bp.get("/activation-codes")
@roles_required("director", "admin")
def activation_codes():
    schools = codes.schools_for_codes(current_user)
    classes = codes.latest_classes(schools)
    counts = codes.activation_counts([g.id for groups in classes.values() for g in groups])
    return render_template("school/activation_codes.html", schools=schools, classes=classes, counts=counts)


@bp.get("/classes/<public_id>/codes")
@roles_required("director", "admin")
def class_codes(public_id: str):
    group = get_class_for_codes(public_id)
    now = utcnow()
    letters = codes.class_letters(current_user, group, now)
    # The letters show pupils' names and working codes: who looked is worth knowing.
    record("roster.codes_view", actor=current_user, target=group.establishment, now=now,
           details={"group": group.public_id, "letters": len(letters)})
    page = render_template("school/class_codes.html", group=group, letters=letters,
                           activation_url=activation_url(), format_date=format_date,
                           format_code=format_code)
    db.session.commit()  # after rendering, which would otherwise reload every expired letter
    return page


@bp.post("/classes/<public_id>/codes/renew")
@roles_required("director", "admin")
def renew_class_codes(public_id: str):
    group = get_class_for_codes(public_id)
    now = utcnow()
    renewed = codes.renew_codes(current_user, group, now, current_app.config["ACTIVATION_CODE_DAYS"])
    record("roster.codes_renew", actor=current_user, target=group.establishment, now=now,
           details={"group": group.public_id, "renewed": renewed})
    db.session.commit()
    flash(ngettext("%(num)d new code was created.", "%(num)d new codes were created.", renewed), "success")
    return redirect(url_for(".class_codes", public_id=group.public_id))
