"""How long activities data is kept, and what the purge deletes.

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
from ent_lite.privacy.registry import NOT_PERSONAL, classify_columns, purge_job, stored_files
from ent_lite.privacy.retention import deletion_dt
from ent_lite.school.services import SCHOOL_YEAR_START_MONTH

classify_columns("quotient_bracket", {
    NOT_PERSONAL: "id public_id city_id position label min_quotient max_quotient",
})
classify_columns("bracket_declaration", {
    "family_brackets": "id user_id bracket_id school_year declared_dt",
})
# The published draw lists pseudonymous tickets (lottery_entry) with their priority tier.
classify_columns("activity_campaign", {
    "activity_registrations": "result_json",
    NOT_PERSONAL: "id public_id city_id establishment_id slug title opens_dt closes_dt max_choices "
                  "priority_rules seed drawn_dt created_dt",
})
classify_columns("activity", {
    "activity_registrations": "author_id",
    NOT_PERSONAL: "id public_id city_id establishment_id campaign_id title description category place "
                  "min_age max_age levels capacity places_taken mode opens_dt closes_dt cancel_until_dt "
                  "offer_hours documents photo_key photo_thumb_key school_year first_day last_session_dt "
                  "published_dt withdrawn_dt created_dt updated_dt",
})
classify_columns("activity_session", {
    NOT_PERSONAL: "id public_id activity_id starts_dt ends_dt",
})
classify_columns("activity_price", {
    NOT_PERSONAL: "id activity_id bracket_id amount_cents",
})
classify_columns("lottery_entry", {
    "activity_registrations": "id campaign_id child_id ticket tier draw_position created_dt",
})
classify_columns("registration", {
    "activity_registrations": "id public_id activity_id child_id guardian_id campaign_id choice_rank "
                              "status queue_rank bracket_id price_cents offer_expires_dt created_dt "
                              "updated_dt",
})
classify_columns("registration_note", {
    "activity_health_notes": "id registration_id body created_dt",
})
classify_columns("activity_attendance", {
    "activity_registrations": "id session_id registration_id present recorded_dt recorded_by_id",
})


def _anchor():
    """An activity's date for retention: its last session, or its creation while it has none."""
    return func.coalesce(Activity.last_session_dt, Activity.created_dt)


def activity_anchor(activity: Activity) -> datetime:
    return activity.last_session_dt or activity.created_dt


# Activities before their campaigns.
@purge_job("activity_registrations", order=0)
def due_activities(cutoff: datetime):
    return select(Activity.id).where(_anchor() < cutoff)


@purge_job("activity_registrations", order=1)
def due_campaigns(cutoff: datetime):
    """Campaigns closed before the cutoff that no activity or registration points at any more."""
    return select(Campaign.id).where(
        Campaign.closes_dt < cutoff,
        ~select(Activity.id).where(Activity.campaign_id == Campaign.id).exists(),
        ~select(Registration.id).where(Registration.campaign_id == Campaign.id).exists())


@purge_job("activity_health_notes")
def due_notes(cutoff: datetime):
    return (select(RegistrationNote.id).join(Registration, Registration.id == RegistrationNote.registration_id)
            .join(Activity, Activity.id == Registration.activity_id).where(_anchor() < cutoff))


@purge_job("family_brackets")
def due_declarations(cutoff: datetime):
    """Declarations of a school year that started before the cutoff's (a school-year start):
    "2025-2026" is due from a cutoff of 1 September 2026 on, i.e. once that year has ended."""
    return select(BracketDeclaration.id).where(BracketDeclaration.school_year < f"{cutoff.year}-")


@stored_files(Activity.__tablename__)
def activity_photos(ids: set[int]) -> list[str]:
    """An activity's photo is no attachment: its files go once the deletion is committed."""
    pairs = db.session.execute(select(Activity.photo_key, Activity.photo_thumb_key).where(Activity.id.in_(ids))).all()
    return [key for pair in pairs for key in pair if key]


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
