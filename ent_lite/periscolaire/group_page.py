"""A periscolaire group's page: what its keeper may pick from, and the enrolment choices.

Plain functions the ``group`` view calls, so the rules are tested without a request:
``group_page`` finds the school and class the keeper filtered on (a school they may not pick is
a forged address); ``pick_children`` checks the children ticked against the class's list;
``unenrol_child`` takes one child out by its public id. Writes are flushed; the caller commits.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from ent_lite.accounts.models import User
from ent_lite.extensions import db
from ent_lite.periscolaire import services
from ent_lite.school.models import Child, Establishment, Group, GroupKind


class ForgedSchool(Exception):
    """The school asked is not one the keeper may pick children from (the caller answers 404)."""


@dataclass
class GroupPage:
    """``schools``: those the keeper may pick children from (none for a reader); ``school`` and
    ``class_``: the ones chosen in the filters; ``addable``: that class's children not in the group."""

    group: Group
    may_edit: bool
    schools: list[Establishment] = field(default_factory=list)
    school: Establishment | None = None
    class_: Group | None = None
    addable: list[Child] = field(default_factory=list)

    def classes(self) -> list[Group]:
        """The classes of the chosen school this school year, to pick one from."""
        return services.school_classes(self.school, self.group.school_year) if self.school is not None else []


def group_page(user, group: Group, school_ref: str, class_ref: str) -> GroupPage:
    """The page of ``group`` for ``user`` (who may view it) with the filters ``?ecole=&classe=``.

    A class not of the chosen school (the school was just changed) is not chosen. Raises
    ``ForgedSchool`` for a school the keeper may not pick from (another district or city).
    """
    if not services.can_edit_group(user, group):
        return GroupPage(group, may_edit=False)
    page = GroupPage(group, may_edit=True, schools=services.pickable_schools(user, group.establishment))
    if not school_ref:
        return page
    page.school = next((s for s in page.schools if s.public_id == school_ref), None)
    if page.school is None:
        raise ForgedSchool(school_ref)
    page.class_ = db.session.scalar(select(Group).where(
        Group.public_id == class_ref, Group.establishment_id == page.school.id,
        Group.kind == GroupKind.CLASS, Group.school_year == group.school_year))
    if page.class_ is not None:
        page.addable = services.addable_children(user, group, page.class_)
    return page


def pick_children(page: GroupPage, wanted: list[str]) -> tuple[list[Child], str | None]:
    """The children ticked (public ids), all of the class's list, or the problem to show."""
    wanted_ids = set(wanted)
    if not wanted_ids:
        return [], _("Tick at least one child of the list.")
    chosen = [child for child in page.addable if child.public_id in wanted_ids]
    if len(chosen) != len(wanted_ids):
        return [], _("Choose children from the list.")
    return chosen, None


def unenrol_child(actor: User, group: Group, child_public_id: str | None, now: datetime) -> Child | None:
    """Take the child out of the group; the child, or None when unknown or not in the group."""
    child = db.session.scalar(select(Child).where(Child.public_id == child_public_id))
    if child is None or not services.unenrol(actor, group, child, now):
        return None
    return child
