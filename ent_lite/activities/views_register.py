"""Registration pages of a guardian: one form for the family's children, and their list.

- ``register`` (GET/POST /activites/<public_id>/inscrire): every child of the family with
  either a box to tick or the reason they cannot be registered; the bracket (asked once per
  school year) with the price it gives; an optional note for the organiser per child, stored
  on that child's registration only. Every check is
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
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from wtforms import RadioField
from wtforms.validators import InputRequired

from ent_lite.accounts.models import Role
from ent_lite.activities import allocation, describe, family_bracket, registration
from ent_lite.activities.blueprint import bp
from ent_lite.activities.brackets import city_brackets
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
    children = registration.family_children(current_user, authority_only=False)
    declaration = family_bracket.declared(current_user.id, activity.school_year)
    asking = declaration is None or request.values.get("bracket_change") == "1"
    brackets = city_brackets(activity.city_id)
    prices = family_bracket.prices_by_bracket(activity)
    form = RegisterForm()
    form.bracket.choices = [(b.public_id, b.label) for b in brackets]
    if not asking:
        del form.bracket
    ticked = request.form.getlist("child") if request.method == "POST" else []
    by_id = {child.public_id: child for child in children}
    if any(child_id not in by_id for child_id in ticked):
        abort(404)  # a child of another family, or a forged id: nothing to learn here
    notes = _notes(children) if request.method == "POST" else {}
    errors = []
    if request.method == "POST":
        chosen = [by_id[child_id] for child_id in dict.fromkeys(ticked)]
        errors = _check(form, asking, declaration, activity, chosen, brackets, prices, notes, now)
        if not errors:
            bracket = next(b for b in brackets if b.public_id == form.bracket.data) if asking \
                else declaration.bracket
            try:
                if asking:
                    family_bracket.declare(current_user, bracket, activity.school_year, now)
                outcomes = registration.register(current_user, activity, chosen, bracket, prices[bracket.id],
                                                 {child.id: notes[child.public_id] for child in chosen}, now)
                positions = [(o.child, o.registration.status, allocation.waiting_position(o.registration),
                              o.registration.price_cents) for o in outcomes]
                db.session.commit()
            except registration.Refused as refused:
                db.session.rollback()
                errors = [(f"child-{child.public_id}" if child else "children", _named(child, reason))
                          for child, reason in refused.reasons]
            except IntegrityError:  # the bracket declared twice at once by two tabs
                db.session.rollback()
                errors = [("children", _("Already registered for this activity."))]
            else:
                for child, status, position, price in positions:
                    flash(_result_line(child.first_name, status, position, price), "success")
                return redirect(url_for("activities.my_registrations"))
    rows = [(child, registration.problems(current_user, child, activity, now)) for child in children]
    return render_template(
        "activities/register_form.html", activity=activity, form=form, rows=rows, errors=errors,
        ticked=set(ticked), notes=notes, note_max=registration.NOTE_MAX_LENGTH, asking=asking,
        declaration=declaration, brackets=brackets, prices=prices,
        bracket_bounds=describe.bracket_bounds_text, format_price=format_price,
        note_days=retention.effective_days("activity_health_notes"))


def _named(child, reason: str) -> str:
    return _("%(child)s: %(reason)s", child=child.first_name, reason=reason) if child else reason


def _check(form, asking, declaration, activity, chosen, brackets, prices, notes, now) -> list[tuple[str, str]]:
    """(anchor, message) of every problem of the submission, in page order. The bracket used
    (chosen now or declared earlier) must have a price on this activity."""
    errors = []
    if not chosen:
        errors.append(("children", _("Tick at least one child to register.")))
    for child in chosen:
        errors += [(f"child-{child.public_id}", _named(child, reason))
                   for reason in registration.problems(current_user, child, activity, now)]
    form.validate()
    if asking and form.bracket.errors:
        errors.append(("bracket-0", " ".join(str(e) for e in form.bracket.errors)))
    else:
        bracket = next((b for b in brackets if b.public_id == form.bracket.data), None) if asking \
            else declaration.bracket
        if bracket is not None and bracket.id not in prices:
            errors.append(("bracket-0" if asking else "bracket",
                           _("No price is set for this bracket: please contact the organiser.")))
    for child in chosen:
        if len(notes.get(child.public_id, "").strip()) > registration.NOTE_MAX_LENGTH:
            errors.append((f"note-{child.public_id}", _named(child, _("Write at most %(max)d characters.",
                                                                      max=registration.NOTE_MAX_LENGTH))))
    return errors


def _result_line(name: str, status: str, position: int | None, price: int | None) -> str:
    if status == S.CONFIRMED:
        return _("%(child)s: place confirmed. Amount due: %(price)s.", child=name, price=format_price(price))
    return _("%(child)s — %(status)s.", child=name, status=describe.status_text(status, position))


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
