"""What the absence pages list, in a fixed number of queries whatever the number of notices:
the family's notices, the day's list for staff, and the periscolaire sites of the family."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ent_lite.absences import rules
from ent_lite.absences.models import AbsenceNotice
from ent_lite.extensions import db
from ent_lite.periscolaire import services as periscolaire_services
from ent_lite.school.models import Child, Enrolment, Group

# A family's list stops there: a school year rarely holds more, and older ones are purged.
FAMILY_LIST_LIMIT = 200


def _with_people():
    return (joinedload(AbsenceNotice.child), joinedload(AbsenceNotice.reason), joinedload(AbsenceNotice.author),
            joinedload(AbsenceNotice.school_seen_by), joinedload(AbsenceNotice.periscolaire_seen_by))


def family_notices(guardian) -> list[AbsenceNotice]:
    """The notices about the guardian's current children, newest first."""
    return list(db.session.scalars(
        rules.family_notices(guardian).options(*_with_people())
        .order_by(AbsenceNotice.created_dt.desc(), AbsenceNotice.id.desc()).limit(FAMILY_LIST_LIMIT)).unique())


def split_current(notices, today: date) -> tuple[list[AbsenceNotice], list[AbsenceNotice]]:
    """(notices whose last day is today or later, the earlier ones)."""
    current = [n for n in notices if n.last_day >= today]
    return current, [n for n in notices if n.last_day < today]


def periscolaire_sites_of(children, day: date) -> dict[int, list[tuple[str, datetime]]]:
    """{child id: [(site name, when it stops taking notices for ``day``)]} for the children who
    have a periscolaire group in the school year of ``day``; one query."""
    found = periscolaire_services.sites_of_children([child.id for child in children], rules.school_year_of(day))
    return {child_id: [(site.name, rules.closes_at(site, day)) for site in sites] for child_id, sites in found.items()}


def new_notice_choices(guardian, now: datetime) -> tuple[list[Child], dict[int, list[tuple[str, datetime]]]]:
    """The guardian's current children (by first name) and, for those in a periscolaire group
    this year, their sites (``periscolaire_sites_of``): what the new-notice form offers."""
    children = list(db.session.scalars(rules.family_children(guardian).order_by(Child.first_name, Child.id)))
    return children, periscolaire_sites_of(children, rules.today(now))


@dataclass
class StaffLine:
    """One notice in the day's list of a member of staff."""

    notice: AbsenceNotice
    groups: list[str] = field(default_factory=list)  # the child's class, or their groups there
    seen_dt: datetime | None = None
    seen_by: str = ""

    @property
    def may_acknowledge(self) -> bool:
        return self.notice.cancelled_dt is None and self.seen_dt is None


def staff_lines(user, day: date) -> list[StaffLine]:
    """The day's notices this member of staff sees, by child name; three queries."""
    side = rules.side_of(user)
    notices = list(db.session.scalars(
        rules.visible_notices(user, day).join(Child, Child.id == AbsenceNotice.child_id)
        .options(*_with_people())
        .order_by(Child.last_name, Child.first_name, Child.id, AbsenceNotice.created_dt)).unique())
    names = _group_names(user, {n.child_id for n in notices}, day)
    lines = []
    for notice in notices:
        if side == rules.SCHOOL:
            seen_dt, seen_by = notice.school_seen_dt, notice.school_seen_by
        else:
            seen_dt, seen_by = notice.periscolaire_seen_dt, notice.periscolaire_seen_by
        lines.append(StaffLine(notice, names.get(notice.child_id, []), seen_dt,
                               seen_by.display_name if seen_by is not None else ""))
    return lines


def _group_names(user, child_ids: set[int], day: date) -> dict[int, list[str]]:
    """{child id: names of the groups where this member of staff looks after them on ``day``}."""
    if not child_ids:
        return {}
    mine = rules.looked_after_groups(user, day)
    rows = db.session.execute(
        select(Enrolment.child_id, Group.name).join(Group, Group.id == Enrolment.group_id)
        .where(Enrolment.child_id.in_(sorted(child_ids)), Group.id.in_(mine)).order_by(Group.name)).all()
    names: dict[int, list[str]] = defaultdict(list)
    for child_id, name in rows:
        names[child_id].append(name)
    return dict(names)
