"""Erasure in the roster: a guardian's links to children; a child's links and enrolments."""
from __future__ import annotations

from ent_lite.erasure.helpers import counts, delete_where, set_null
from ent_lite.erasure.signals import erasure_handler
from ent_lite.school.models import Enrolment, GuardianLink, RosterReview


@erasure_handler("user", "guardian_link.user_id")
def erase_guardian_links(user, **_) -> dict[str, int]:
    return counts(guardian_link=delete_where(GuardianLink, GuardianLink.user_id == user.id))


@erasure_handler("user", "roster_review.candidate_id")
def forget_review_candidate(user, **_) -> dict[str, int]:
    # The held row stays for the child's other guardians; it just no longer points at this account.
    return counts(roster_review=set_null(RosterReview.candidate_id, user.id))


@erasure_handler("child", "guardian_link.child_id", "enrolment.child_id", "roster_review.child_id")
def erase_child_roster(child, **_) -> dict[str, int]:
    return counts(
        guardian_link=delete_where(GuardianLink, GuardianLink.child_id == child.id),
        enrolment=delete_where(Enrolment, Enrolment.child_id == child.id),
        roster_review=delete_where(RosterReview, RosterReview.child_id == child.id),
    )
