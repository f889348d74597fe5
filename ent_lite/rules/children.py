"""Children: which current children a user may see.

A guardian sees their own current children; a teacher or animator the children of their
groups this school year; a director (site lead) every child of their school (site). City
agents, admins and the DPO see no child. A child who left is seen by nobody.
"""
from __future__ import annotations

from sqlalchemy import and_, false, or_, select

from ent_lite.accounts.models import Role
from ent_lite.audience import keys as audience_keys
from ent_lite.extensions import db
from ent_lite.rules.reach import CHILD_STAFF, Reach, reach_of, role_of
from ent_lite.school.models import Child, Enrolment, Group, GuardianLink


def visible_children(user, reach: Reach | None = None):
    """SELECT of the current children this user may see."""
    reach = reach or reach_of(user)
    current = Child.left_dt.is_(None)
    if reach.role == Role.GUARDIAN:
        return select(Child).where(current, Child.guardian_links.any(GuardianLink.user_id == reach.user_id))
    if reach.role in CHILD_STAFF and (reach.group_ids or reach.directed_ids):
        in_scope = []
        if reach.group_ids:
            in_scope.append(Group.id.in_(sorted(reach.group_ids)))
        if reach.directed_ids:
            in_scope.append(Group.establishment_id.in_(sorted(reach.directed_ids)))
        this_year = Group.school_year == audience_keys.this_school_year()
        return select(Child).where(current, Child.enrolments.any(Enrolment.group.has(and_(this_year, or_(*in_scope)))))
    return select(Child).where(false())


def sees_pupils_by_name(user) -> bool:
    """Teachers, animators and directors see the children of their groups (their school) by
    name, on a post's tracking page too; a city agent sees the figures only."""
    return role_of(user) in CHILD_STAFF


def can_see_child(user, child: Child, reach: Reach | None = None) -> bool:
    return bool(db.session.scalar(select(visible_children(user, reach).where(Child.id == child.id).exists())))

