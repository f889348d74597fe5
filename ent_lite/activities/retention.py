"""How long activities data is kept, and what the purge deletes (ent_lite.privacy.purge).

- ``activity_registrations`` (school year): an activity goes one school year after the end of
  the school year of its last session (by default), with everything that references it:
  sessions, prices, registrations, notes, attendance, the events that told families. A draft
  without a session counts from its creation. A lottery campaign goes once none of its
  activities is left and its window closed before the same cutoff, with its tickets.
- ``activity_health_notes`` (event): the family's note for the organiser goes 15 days (by
  default) after the activity's last session, the registration staying.
- ``family_brackets`` (school year): a declared bracket goes with its school year, one year
  after it ended (by default).

At the boundary, as everywhere: kept at the deletion instant, due from the instant after.
"""
from __future__ import annotations

from datetime import datetime, time, timezone

from sqlalchemy import func, select

from ent_lite.activities.models import Activity, BracketDeclaration, Campaign, Registration, RegistrationNote
from ent_lite.extensions import db
from ent_lite.privacy.retention import deletion_dt
from ent_lite.school.services import SCHOOL_YEAR_START_MONTH


def _anchor():
    """An activity's date for retention: its last session, or its creation while it has none."""
    return func.coalesce(Activity.last_session_dt, Activity.created_dt)


def activity_anchor(activity: Activity) -> datetime:
    return activity.last_session_dt or activity.created_dt


def due_activities(cutoff: datetime):
    return select(Activity.id).where(_anchor() < cutoff)


def due_campaigns(cutoff: datetime):
    """Campaigns closed before the cutoff that no activity or registration points at any more."""
    return select(Campaign.id).where(
        Campaign.closes_dt < cutoff,
        ~select(Activity.id).where(Activity.campaign_id == Campaign.id).exists(),
        ~select(Registration.id).where(Registration.campaign_id == Campaign.id).exists())


def due_notes(cutoff: datetime):
    return (select(RegistrationNote.id).join(Registration, Registration.id == RegistrationNote.registration_id)
            .join(Activity, Activity.id == Registration.activity_id).where(_anchor() < cutoff))


def due_declarations(cutoff: datetime):
    """Declarations of a school year that started before the cutoff's (a school-year start):
    "2025-2026" is due from a cutoff of 1 September 2026 on, i.e. once that year has ended."""
    return select(BracketDeclaration.id).where(BracketDeclaration.school_year < f"{cutoff.year}-")


def due_queries(key: str, cutoff: datetime) -> list:
    """The purge's selects for the activities categories (activities before their campaigns)."""
    return {
        "activity_registrations": [due_activities(cutoff), due_campaigns(cutoff)],
        "activity_health_notes": [due_notes(cutoff)],
        "family_brackets": [due_declarations(cutoff)],
    }.get(key, [])


def school_year_start(school_year: str) -> datetime:
    """1 September of "2025-2026"'s first year, the instant the year began (UTC)."""
    year = int(school_year[:4])
    return datetime.combine(datetime(year, SCHOOL_YEAR_START_MONTH, 1).date(), time(), tzinfo=timezone.utc)


def deletion_date(obj) -> datetime | None:
    """When an activity, a registration, its note, a campaign or a declared bracket is deleted
    (None: not ours)."""
    if isinstance(obj, Activity):
        return deletion_dt("activity_registrations", activity_anchor(obj))
    if isinstance(obj, Registration):
        return deletion_date(obj.activity)
    if isinstance(obj, RegistrationNote):
        # The note goes shortly after the activity, or with the registration if that were sooner.
        activity = obj.registration.activity
        return min(deletion_dt("activity_health_notes", activity_anchor(activity)), deletion_date(activity))
    if isinstance(obj, BracketDeclaration):
        return deletion_dt("family_brackets", school_year_start(obj.school_year))
    if isinstance(obj, Campaign):
        # A campaign goes with the last of its activities, and not before its window closed.
        activities = db.session.scalars(select(Activity).where(Activity.campaign_id == obj.id))
        return max([deletion_dt("activity_registrations", obj.closes_dt)]
                   + [deletion_date(activity) for activity in activities])
    return None
