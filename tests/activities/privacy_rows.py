"""Registrations written directly (the registration pages are another part), and a row in every
activities table about one guardian and child, for the roster, erasure, export and purge tests."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from ent_lite.activities import allocation
from ent_lite.activities.models import (
    Activity,
    Attendance,
    BracketDeclaration,
    Campaign,
    LotteryEntry,
    Registration,
    RegistrationNote,
    RegistrationStatus,
)
from ent_lite.extensions import db
from ent_lite.school.services import current_school_year


def enrol(activity: Activity, child, guardian, now: datetime, *, note: str | None = None,
          status: str | None = None) -> Registration:
    """A first-come registration as the registration page leaves it (confirmed or waiting), or
    ``status`` forced (an offer held until ``now`` + the activity's offer hours)."""
    registration = Registration(activity_id=activity.id, child_id=child.id, guardian_id=guardian.id,
                                status=RegistrationStatus.REQUESTED, created_dt=now, updated_dt=now)
    db.session.add(registration)
    db.session.flush()
    if status == RegistrationStatus.OFFERED:
        assert allocation.take_place(activity.id)
        registration.status = status
        registration.offer_expires_dt = now + timedelta(hours=activity.offer_hours)
    elif status == RegistrationStatus.WAITING:
        registration.status = status
        registration.queue_rank = allocation.next_queue_rank(activity.id)
    else:
        allocation.place_first_come(registration, now)
    if note:
        db.session.add(RegistrationNote(registration_id=registration.id, body=note, created_dt=now))
    db.session.flush()
    return registration


@dataclass
class ActivityRows:
    activity: Activity
    registration: Registration
    campaign: Campaign
    entry: LotteryEntry
    declaration: BracketDeclaration


def add_activity_rows(aw, guardian, child, now: datetime) -> ActivityRows:
    """parent and child in every activities table: the guardian even wrote an activity and took
    attendance (a guardian never does; so that each reference to them has a row)."""
    from tests.activities.factories import make_activity, make_campaign

    activity = make_activity(aw, title="Escalade", now=now)
    activity.author_id = guardian.id
    registration = enrol(activity, child, guardian, now, note="Allergie aux arachides")
    db.session.add(Attendance(session_id=activity.sessions[0].id, registration_id=registration.id, present=True,
                              recorded_dt=now, recorded_by_id=guardian.id))
    campaign = make_campaign(aw, now=now)
    entry = LotteryEntry(campaign_id=campaign.id, child_id=child.id, ticket="K7F3-2QX9", created_dt=now)
    declaration = BracketDeclaration(user_id=guardian.id, bracket_id=aw.brackets[1].id,
                                     school_year=current_school_year(now), declared_dt=now)
    db.session.add_all([entry, declaration])
    db.session.commit()
    return ActivityRows(activity, registration, campaign, entry, declaration)
