"""The absence notices' pages.

- ``new`` (GET/POST /absences/nouvelle): a guardian tells the school and/or the periscolaire
  that one or more of their children will be absent; one submission, one notice per child;
  one refused child refuses the whole submission, with what was typed kept.
- ``mine`` (GET /absences): the family's notices, newest first, each with who saw it; ``cancel``
  (POST) withdraws one until its last day ends.
- ``today`` (GET /absences/aujourdhui, ``?jour=YYYY-MM-DD``): for teachers, directors, animators
  and site leads, one list of the day's absences of the children they look after;
  ``acknowledge`` (POST) marks one seen for their side.

A notice someone may not see answers 404, so nobody learns that it exists.
"""
from __future__ import annotations

from datetime import date, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from ent_lite.absences import listing, rules, services
from ent_lite.absences import retention as absence_retention
from ent_lite.absences.blueprint import bp
from ent_lite.absences.forms import AbsenceForm
from ent_lite.absences.models import AbsenceNotice
from ent_lite.accounts.models import Role
from ent_lite.core.auth import roles_required
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.privacy import retention


def _load_notice(public_id: str) -> AbsenceNotice:
    notice = db.session.scalar(select(AbsenceNotice).where(AbsenceNotice.public_id == public_id))
    if notice is None:
        abort(404)
    return notice


@bp.route("/absences/nouvelle", methods=["GET", "POST"])
@roles_required(Role.GUARDIAN)
def new():
    now = utcnow()
    children, sites = listing.new_notice_choices(current_user, now)
    form = AbsenceForm()
    form.offer(children)
    if not sites:
        del form.to_periscolaire  # nobody to tell: the choice is not offered
    if request.method == "GET" and len(children) == 1:
        form.children.data = [children[0].public_id]
    if form.validate_on_submit():
        fields = form.fields(rules.today(now))
        chosen = [child for child in children if child.public_id in form.children.data]
        try:
            services.declare_all(current_user, chosen, fields, now)
        except services.Refused as refused:
            db.session.rollback()
            _show_problems(form, services.refusal_lines(chosen, fields, now, refused))
        else:
            db.session.commit()
            flash(ngettext("Absence sent for %(names)s.", "Absences sent for %(names)s.", len(chosen),
                           names=", ".join(child.first_name for child in chosen)), "success")
            return redirect(url_for("absences.mine"))
    return render_template("absences/new.html", form=form, children=children, sites=sites,
                           reason_days=retention.effective_days("absence_reasons"),
                           reason_max=services.REASON_MAX_LENGTH)


def _show_problems(form, lines) -> None:
    """Each problem next to the control that fixes it, once."""
    for name, line in lines:
        field = form.field_for(name)
        if line not in field.errors:
            field.errors = [*field.errors, line]


@bp.get("/absences")
@roles_required(Role.GUARDIAN)
def mine():
    now = utcnow()
    notices = listing.family_notices(current_user)
    current, earlier = listing.split_current(notices, rules.today(now))
    return render_template("absences/mine.html", current=current, earlier=earlier, now=now,
                           may_cancel=lambda n: rules.notice_is_live(n, now),
                           deletion_date=absence_retention.deletion_date)


@bp.post("/absences/<public_id>/annuler")
@roles_required(Role.GUARDIAN)
def cancel(public_id: str):
    now = utcnow()
    notice = _load_notice(public_id)
    if not db.session.scalar(select(rules.family_notices(current_user).where(AbsenceNotice.id == notice.id).exists())):
        abort(404)
    try:
        services.cancel(notice, current_user, now)
    except services.Refused as refused:
        flash(refused.reasons[0][1], "error")
    else:
        db.session.commit()
        flash(_("Absence cancelled: %(child)s will come.", child=notice.child.first_name), "success")
    return redirect(url_for("absences.mine"))


def _asked_day(today: date) -> tuple[date, bool]:
    """The day of ``?jour=``, else today (and whether what was given was not a date)."""
    text = request.args.get("jour", "")
    if not text:
        return today, False
    try:
        asked = date.fromisoformat(text)
    except ValueError:
        return today, True
    return (asked, False) if abs((asked - today).days) <= 366 else (today, True)


@bp.get("/absences/aujourdhui")
@roles_required(*rules.STAFF_ROLES)
def today():
    now = utcnow()
    this_day = rules.today(now)
    day, bad_day = _asked_day(this_day)
    lines = listing.staff_lines(current_user, day)
    return render_template("absences/today.html", lines=lines, day=day, this_day=this_day, bad_day=bad_day,
                           side=rules.side_of(current_user), now=now,
                           absent=len({line.notice.child_id for line in lines if line.notice.cancelled_dt is None}),
                           unseen=sum(1 for line in lines if line.may_acknowledge),
                           previous_day=day - timedelta(days=1), next_day=day + timedelta(days=1))


@bp.post("/absences/<public_id>/vu")
@roles_required(*rules.STAFF_ROLES)
def acknowledge(public_id: str):
    notice = _load_notice(public_id)
    if not rules.can_acknowledge(current_user, notice):
        abort(404)
    services.acknowledge(notice, current_user, utcnow())
    db.session.commit()
    day = request.form.get("jour", "")
    back = url_for("absences.today", jour=day) if _is_iso_day(day) else url_for("absences.today")
    return redirect(f"{back}#n-{notice.public_id}")


def _is_iso_day(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10
