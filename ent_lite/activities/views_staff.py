"""The organisers' pages: an activity's follow-up, each session's roster and attendance, the CSV.

Only the activity's managers (``permissions.can_manage``: the city service or periscolaire
site organising it) reach these pages; anyone else, another city's staff included, gets a 404.
Opening a roster or its CSV is logged (children's and guardians' data, PRIVACY.md).
"""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ent_lite.activities import allocation, permissions, rosters
from ent_lite.activities.blueprint import bp
from ent_lite.activities.models import Activity, RegistrationStatus
from ent_lite.audit.services import record
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db


def _managed(public_id: str) -> Activity:
    activity = permissions.find_managed(current_user, public_id)
    if activity is None:
        abort(404)
    return activity


@bp.get("/activites/<public_id>/suivi")
def follow_up(public_id: str):
    activity = _managed(public_id)
    return render_template("activities/staff_follow_up.html", activity=activity, now=utcnow(),
                           follow=rosters.follow_up(activity))


@bp.post("/activites/<public_id>/inscriptions/<registration_id>/retirer")
def remove_child(public_id: str, registration_id: str):
    activity = _managed(public_id)
    registration = rosters.find_registration(activity, registration_id)
    if registration is None:
        abort(404)
    if registration.status not in RegistrationStatus.ACTIVE:
        flash(_("This child was no longer registered: nothing changed."), "error")
        return redirect(url_for(".follow_up", public_id=activity.public_id))
    name = registration.child.first_name
    if not allocation.remove(registration, current_user, utcnow()):
        # Another request (the family cancelling, an offer expiring) moved it first.
        db.session.rollback()
        flash(_("%(name)s's registration changed meanwhile: nothing was removed. Check the list again.",
                name=name), "error")
        return redirect(url_for(".follow_up", public_id=activity.public_id))
    db.session.commit()
    flash(_("%(name)s is removed from the activity. The family is told.", name=name), "success")
    return redirect(url_for(".follow_up", public_id=activity.public_id))


@bp.get("/activites/<public_id>/seances/<session_id>")
def roster(public_id: str, session_id: str):
    activity = _managed(public_id)
    session = rosters.find_session(activity, session_id)
    if session is None:
        abort(404)
    now = utcnow()
    lines = rosters.roster(activity, session)
    record("child.view", actor=current_user, target=activity, now=now, details={"page": "roster"})
    html = render_template("activities/staff_roster.html", activity=activity, session=session, lines=lines,
                           now=now, present=sum(1 for line in lines if line.present is True),
                           absent=sum(1 for line in lines if line.present is False))
    db.session.commit()  # the audit entry
    return html


@bp.post("/activites/<public_id>/seances/<session_id>/presence")
def attendance(public_id: str, session_id: str):
    """One tap: the button pressed says "<registration public id>:1" (present) or ":0" (absent)."""
    activity = _managed(public_id)
    session = rosters.find_session(activity, session_id)
    if session is None:
        abort(404)
    registration_id, _sep, choice = request.form.get("mark", "").partition(":")
    registration = rosters.find_registration(activity, registration_id) if registration_id else None
    if registration is None or choice not in ("1", "0") or not rosters.may_take_attendance(registration, session):
        flash(_("Attendance was not recorded: this child holds no place on this activity, or the choice "
                "was not understood. Try again from the list."), "error")
        return redirect(url_for(".roster", public_id=activity.public_id, session_id=session.public_id))
    rosters.record_attendance(session, registration, choice == "1", current_user, utcnow())
    db.session.commit()
    return redirect(url_for(".roster", public_id=activity.public_id, session_id=session.public_id,
                            _anchor=f"child-{registration.public_id}"))


@bp.get("/activites/<public_id>/liste.csv")
def roster_csv(public_id: str):
    activity = _managed(public_id)
    body = rosters.roster_csv(activity)
    record("child.view", actor=current_user, target=activity, details={"page": "roster_csv"})
    db.session.commit()
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="liste-{activity.public_id}.csv"',
        "Cache-Control": "no-store"})
