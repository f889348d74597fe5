"""The guardians' consent page: one card per child, one toggle button per consent, each a single POST."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from ent_lite.accounts.models import Role
from ent_lite.consents import page, services
from ent_lite.core.auth import roles_required
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.privacy import register
from ent_lite.school.models import Child, GuardianLink

bp = Blueprint("consents", __name__, template_folder="templates")

AUDIENCE_LABELS = {
    "class": _l("Families of the class"),
    "school": _l("The whole school"),
    "city": _l("All families of the city"),
}
DECISIONS = {"grant": True, "withdraw": False}


@bp.app_template_global()
def consent_audience_label(audience: str | None) -> str:
    return str(AUDIENCE_LABELS.get(audience, ""))


@bp.get("/consents")
@roles_required(Role.GUARDIAN)
def index():
    cards, own = page.consents_page(current_user, utcnow())
    return render_template("consents/index.html", cards=cards, own=own)


def _own_child(public_id: str) -> Child:
    """A current child of the guardian's over whom they have legal authority, else 404."""
    child = db.session.scalar(
        select(Child).join(GuardianLink, GuardianLink.child_id == Child.id)
        .where(Child.public_id == public_id[:40], Child.left_dt.is_(None), GuardianLink.user_id == current_user.id,
               GuardianLink.legal_authority.is_(True)))
    if child is None:
        abort(404)
    return child


@bp.post("/consents")
@roles_required(Role.GUARDIAN)
def decide():
    form = request.form
    decision = DECISIONS.get(form.get("decision", ""))
    try:
        rule = services.rule_of(form.get("purpose", ""))
    except ValueError:
        abort(404)
    audience = form.get("audience") or None
    if decision is None or (audience not in rule.audiences if rule.audiences else audience is not None):
        abort(400)
    child = _own_child(form.get("child", "")) if rule.subject == services.CHILD else None
    services.set_consent(current_user, form["purpose"], decision, utcnow(), child=child, audience=audience)
    db.session.commit()
    name = register.purpose(form["purpose"]).name
    flash(_("Your consent is recorded: %(purpose)s.", purpose=name) if decision
          else _("Your consent is withdrawn: %(purpose)s.", purpose=name), "success")
    return redirect(url_for("consents.index", _anchor=page.anchor(child, form["purpose"], audience)))
