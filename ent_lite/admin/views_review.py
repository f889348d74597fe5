"""Guardians the roster import held for review (admins only, others get 404)."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ent_lite.accounts.models import Role
from ent_lite.admin.blueprint import bp
from ent_lite.admin.forms import ReviewForm
from ent_lite.core.auth import roles_required
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.school import roster_review as reviews


@bp.get("/roster/review")
@roles_required(Role.ADMIN)
def roster_review():
    return _page()


@bp.post("/roster/review/<public_id>")
@roles_required(Role.ADMIN)
def roster_review_decide(public_id: str):
    review = reviews.find_review(current_user, public_id) or abort(404)
    form = ReviewForm()
    if not form.validate_on_submit():
        abort(400)
    name = f"{review.first_name} {review.last_name}"
    try:
        reviews.decide(current_user, review, form.decision.data, form.email.data, utcnow(),
                             current_app.config["ACTIVATION_CODE_DAYS"])
    except reviews.AlreadyDecided as decided:
        db.session.rollback()
        flash(str(decided), "error")
        return redirect(url_for(".roster_review"))
    except reviews.ReviewProblem as problem:
        db.session.rollback()
        return _page(failed=public_id, problem=str(problem), typed=form.email.data)
    db.session.commit()
    flash(_("%(name)s is now linked to the child.", name=name), "success")
    return redirect(url_for(".roster_review"))


def _page(failed: str | None = None, problem: str | None = None, typed: str | None = None):
    return render_template("admin/roster_review.html", items=reviews.pending_reviews(current_user),
                           failed=failed, problem=problem, typed=typed or "")
