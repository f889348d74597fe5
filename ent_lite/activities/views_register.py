"""Registration pages of a guardian: one form for the family's children, and their list.

- ``register`` (GET/POST /activites/<public_id>/inscrire): every child of the family with
  either a box to tick or the reason they cannot be registered; the bracket (asked once per
  school year) with the price it gives; an optional note for the organiser per child, stored
  on that child's registration only. The form's rules are in ``register_form``; every check is
  done again in the POST (``registration.register``); one refused child refuses the whole
  submission, with the error summary and what was typed kept.
- ``my_registrations`` (GET /activites/mes-inscriptions): every registration of the family's
  children, for any of their guardians; cancel, accept or decline (POST) for a guardian with
  parental authority (``_load_own``: anyone else gets 404).
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms import RadioField
from wtforms.validators import InputRequired

from ent_lite.accounts.models import Role
from ent_lite.activities import allocation, describe, register_form, registration
from ent_lite.activities.blueprint import bp
from ent_lite.activities.models import Activity, Registration, RegistrationStatus
from ent_lite.activities.money import format_price
from ent_lite.core.auth import roles_required
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.activities import retention as activity_retention
from ent_lite.privacy import retention
from ent_lite.school.models import GuardianLink

S = RegistrationStatus


class RegisterForm(FlaskForm):
    """The bracket; the children ticked (``child``) and their notes (``note-<child public id>``,
    one per child) are read from the request: their number depends on the family."""

    bracket = RadioField(_l("Your family-quotient bracket"), choices=[],
                         validators=[InputRequired(_l("Choose your family-quotient bracket."))])


def _notes(children) -> dict[str, str]:
    """{child public id: note typed} for every child of the form (kept when the form comes back)."""
    return {child.public_id: request.form.get(f"note-{child.public_id}", "") for child in children}


def _load_activity(public_id: str) -> Activity:
    """A published activity of the guardian's city, else 404 (a draft is not revealed)."""
    activity = db.session.scalar(select(Activity).where(Activity.public_id == public_id,
                                                        Activity.city_id == current_user.city_id))
    if activity is None or not activity.is_published(utcnow()):
        abort(404)
    return activity


@bp.route("/activites/<public_id>/inscrire", methods=["GET", "POST"])
@roles_required(Role.GUARDIAN)
def register(public_id: str):
    now = utcnow()
    activity = _load_activity(public_id)
    page = register_form.form_page(current_user, activity, bracket_change=request.values.get("bracket_change") == "1")
    form = RegisterForm()
    form.bracket.choices = [(b.public_id, b.label) for b in page.brackets]
    if not page.asking:
        del form.bracket
    ticked = request.form.getlist("child") if request.method == "POST" else []
    chosen = register_form.chosen_children(page, ticked)
    if chosen is None:
        abort(404)  # a child of another family, or a forged id: nothing to learn here
    notes = _notes(page.children) if request.method == "POST" else {}
    errors = []
    if request.method == "POST":
        form.validate()
        bracket_choice = form.bracket.data if page.asking else None
        errors = register_form.submission_problems(current_user, page, chosen, notes, bracket_choice,
                                                   form.bracket.errors if page.asking else [], now)
        if not errors:
            try:
                lines = register_form.submit(current_user, page, chosen, notes, bracket_choice, now)
                db.session.commit()
            except registration.Refused as refused:
                db.session.rollback()
                errors = register_form.refusal_problems(refused)
            else:
                for line in lines:
                    flash(line, "success")
                return redirect(url_for("activities.my_registrations"))
    return render_template(
        "activities/register_form.html", activity=activity, form=form, rows=register_form.rows(current_user, page, now),
        errors=errors, ticked=set(ticked), notes=notes, note_max=registration.NOTE_MAX_LENGTH, asking=page.asking,
        declaration=page.declaration, brackets=page.brackets, prices=page.prices,
        bracket_bounds=describe.bracket_bounds_text, format_price=format_price,
        note_days=retention.effective_days("activity_health_notes"))


@bp.get("/activites/mes-inscriptions")
@roles_required(Role.GUARDIAN)
def my_registrations():
    now = utcnow()
    links = db.session.execute(select(GuardianLink.child_id, GuardianLink.legal_authority)
                               .where(GuardianLink.user_id == current_user.id)).all()
    authority = {child_id: bool(legal) for child_id, legal in links}
    found = db.session.scalars(
        select(Registration).join(Activity, Activity.id == Registration.activity_id)
        .where(Registration.child_id.in_(list(authority)), Activity.city_id == current_user.city_id)
        .options(joinedload(Registration.activity).joinedload(Activity.establishment),
                 joinedload(Registration.activity).selectinload(Activity.sessions),
                 joinedload(Registration.child), joinedload(Registration.note))
        .order_by(Activity.first_day, Activity.id, Registration.id)).unique().all()
    active = [r for r in found if r.status in S.ACTIVE]
    past = [r for r in found if r.status not in S.ACTIVE]
    return render_template(
        "activities/register_mine.html", active=active, past=past, now=now, authority=authority,
        position=allocation.waiting_position, may_cancel=allocation.may_cancel,
        offer_is_open=allocation.offer_is_open, status_text=describe.status_text, format_price=format_price,
        deletion_date=activity_retention.deletion_date)


def _load_own(public_id: str) -> Registration:
    """A registration of a child the user is a guardian of with parental authority, else 404."""
    found = db.session.scalar(
        select(Registration).join(Activity, Activity.id == Registration.activity_id)
        .join(GuardianLink, GuardianLink.child_id == Registration.child_id)
        .where(Registration.public_id == public_id, GuardianLink.user_id == current_user.id,
               GuardianLink.legal_authority.is_(True), Activity.city_id == current_user.city_id))
    if found is None:
        abort(404)
    return found


def _act(public_id: str, action, done: str, refused: str):
    now = utcnow()
    found = _load_own(public_id)
    if action(found, current_user, now):
        db.session.commit()
        flash(done, "success")
    else:
        db.session.rollback()
        flash(refused, "error")
    return redirect(url_for("activities.my_registrations"))


@bp.post("/activites/inscriptions/<public_id>/annuler")
@roles_required(Role.GUARDIAN)
def cancel_registration(public_id: str):
    return _act(public_id, allocation.cancel, _("The registration is cancelled."),
                _("This registration can no longer be cancelled here: please contact the organiser."))


@bp.post("/activites/inscriptions/<public_id>/accepter")
@roles_required(Role.GUARDIAN)
def accept_offer(public_id: str):
    return _act(public_id, allocation.accept_offer, _("Place confirmed."), _("This offer is no longer open."))


@bp.post("/activites/inscriptions/<public_id>/refuser")
@roles_required(Role.GUARDIAN)
def decline_offer(public_id: str):
    return _act(public_id, allocation.decline_offer, _("Offer declined: the place goes to the next family."),
                _("This offer is no longer open."))
