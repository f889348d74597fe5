"""Erasure in the roster: a guardian's links to children; a child's links and enrolments."""
from __future__ import annotations

from ent_lite.erasure.helpers import counts, delete_where
from ent_lite.erasure.signals import on_erasing_child, on_erasing_user
from ent_lite.school.models import Enrolment, GuardianLink


@on_erasing_user("guardian_link.user_id")
def erase_guardian_links(user, **_) -> dict[str, int]:
    return counts(guardian_link=delete_where(GuardianLink, GuardianLink.user_id == user.id))


@on_erasing_child("guardian_link.child_id", "enrolment.child_id")
def erase_child_roster(child, **_) -> dict[str, int]:
    return counts(
        guardian_link=delete_where(GuardianLink, GuardianLink.child_id == child.id),
        enrolment=delete_where(Enrolment, Enrolment.child_id == child.id),
    )
