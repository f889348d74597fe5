"""Erasure and activities (PRIVACY.md C.15).

A guardian: the brackets they declared are deleted; their children's registrations stay for
the other guardian and the organisers, without saying who registered. References to them as
an activity's author or as who took attendance are dropped (a guardian has none: for safety).

A child: their registrations go with their notes, attendance and the events that told the
family (SQLite enforces no foreign keys), and their lottery tickets. A place the child held is
freed and offered to the next child on the waiting list, as when a family cancels.
"""
from __future__ import annotations

from sqlalchemy import select

from ent_lite.activities import allocation
from ent_lite.activities.models import (
    Activity,
    Attendance,
    BracketDeclaration,
    LotteryEntry,
    Registration,
    RegistrationNote,
    RegistrationStatus,
)
from ent_lite.erasure.helpers import counts, delete_where, set_null
from ent_lite.erasure.signals import erasure_handler
from ent_lite.extensions import db
from ent_lite.notifications.models import Notification, NotificationEvent


@erasure_handler("user", "registration.guardian_id", "bracket_declaration.user_id", "activity.author_id",
                 "activity_attendance.recorded_by_id")
def erase_guardian_activities(user, **_) -> dict[str, int]:
    return counts(
        bracket_declaration=delete_where(BracketDeclaration, BracketDeclaration.user_id == user.id),
        registration=set_null(Registration.guardian_id, user.id),
        activity=set_null(Activity.author_id, user.id),
        activity_attendance=set_null(Attendance.recorded_by_id, user.id),
    )


@erasure_handler("child", "registration.child_id", "lottery_entry.child_id")
def erase_child_activities(child, *, now, **_) -> dict[str, int]:
    # FOR UPDATE (PostgreSQL; SQLite serialises writes): a cancellation or an offer accepted
    # at this moment waits for the erasure, so the statuses read here are the ones deleted and
    # each place held is freed exactly once (never counted forever, never freed twice).
    found = db.session.execute(select(Registration.id, Registration.activity_id, Registration.status)
                               .where(Registration.child_id == child.id).with_for_update()).all()
    ids = [registration_id for registration_id, _activity, _status in found]
    freed = [activity_id for _id, activity_id, status in found if status in RegistrationStatus.HOLDING]
    events = select(NotificationEvent.id).where(NotificationEvent.registration_id.in_(ids))
    result = counts(
        notification=delete_where(Notification, Notification.event_id.in_(events)) if ids else 0,
        notification_event=delete_where(NotificationEvent, NotificationEvent.registration_id.in_(ids)) if ids else 0,
        registration_note=delete_where(RegistrationNote, RegistrationNote.registration_id.in_(ids)) if ids else 0,
        activity_attendance=delete_where(Attendance, Attendance.registration_id.in_(ids)) if ids else 0,
        registration=delete_where(Registration, Registration.id.in_(ids)) if ids else 0,
        lottery_entry=delete_where(LotteryEntry, LotteryEntry.child_id == child.id),
    )
    for activity_id in freed:
        allocation.release_place(activity_id)
        allocation.offer_free_places(activity_id, now)
    return result
