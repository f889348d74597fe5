"""Activation letters for the families of a class (directors and admins): the class list, and
printing, which issues the codes the letters carry."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ent_lite.accounts.activation import format_code
from ent_lite.audit.services import record
from ent_lite.core.auth import roles_required
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.rules import can_see_codes
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


def notice_url() -> str:
    """The public privacy notice, printed on the letters: families who never activate are
    processed too, and the letter may be all they ever read of ent_lite."""
    return current_app.config["BASE_URL"].rstrip("/") + url_for("privacy.notice")


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
    # The list shows pupils' names and who has not activated: who looked is worth knowing.
    record("roster.codes_view", actor=current_user, target=group.establishment, now=now,
           details={"group": group.public_id, "letters": len(letters)})
    page = render_template("school/class_codes.html", group=group, letters=letters)
    db.session.commit()  # after rendering, which would otherwise reload every expired letter
    return page


# Printing is a POST: it issues new codes, and a code's text exists only in this response.

@bp.post("/classes/<public_id>/letters")
@roles_required("director", "admin")
def print_class_letters(public_id: str):
    return _print_letters(get_class_for_codes(public_id), None)


@bp.post("/classes/<public_id>/letters/<child_id>")
@roles_required("director", "admin")
def print_family_letter(public_id: str, child_id: str):
    return _print_letters(get_class_for_codes(public_id), child_id)


def _print_letters(group: Group, child_public_id: str | None):
    letters = codes.print_letters(current_user, group, utcnow(), current_app.config["ACTIVATION_CODE_DAYS"],
                                  child_public_id)
    if not letters:
        flash(_("There is no letter to print: every guardian has activated an account."), "error")
        return redirect(url_for(".class_codes", public_id=group.public_id))
    page = render_template("school/letters.html", group=group, letters=letters, activation_url=activation_url(),
                           notice_url=notice_url(), format_code=format_code)
    db.session.commit()  # after rendering, which would otherwise reload every letter
    return page
