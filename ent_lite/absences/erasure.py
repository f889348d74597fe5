"""Erasure and absence notices: a child's notices go with their reasons; a guardian's notices
about a child stay for the other guardian and the staff, without saying who sent them.
References to them as who saw a notice are dropped (a guardian never does: for safety)."""
from __future__ import annotations

from sqlalchemy import select

from ent_lite.absences.models import AbsenceNotice, AbsenceReason
from ent_lite.erasure.helpers import counts, delete_where, set_null
from ent_lite.erasure.signals import erasure_handler


@erasure_handler("user", "absence_notice.author_id", "absence_notice.school_seen_by_id",
                 "absence_notice.periscolaire_seen_by_id")
def erase_guardian_absences(user, **_) -> dict[str, int]:
    return counts(absence_notice=set_null(AbsenceNotice.author_id, user.id)
                  + set_null(AbsenceNotice.school_seen_by_id, user.id)
                  + set_null(AbsenceNotice.periscolaire_seen_by_id, user.id))


@erasure_handler("child", "absence_notice.child_id")
def erase_child_absences(child, **_) -> dict[str, int]:
    notices = select(AbsenceNotice.id).where(AbsenceNotice.child_id == child.id)
    return counts(
        absence_reason=delete_where(AbsenceReason, AbsenceReason.notice_id.in_(notices)),
        absence_notice=delete_where(AbsenceNotice, AbsenceNotice.child_id == child.id),
    )
