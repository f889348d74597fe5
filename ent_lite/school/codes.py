"""Activation codes per class: what the director prints, and renewal of expired codes."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import selectinload

from ent_lite.accounts.activation import current_code, issue_activation_codes
from ent_lite.accounts.models import ActivationCode, Role, User
from ent_lite.extensions import db
from ent_lite.school.models import Child, Enrolment, Establishment, EstablishmentKind, Group, GroupKind, GuardianLink
from ent_lite.school.permissions import directed_school_ids


@dataclass
class GuardianLine:
    user: User
    relation: str
    code: ActivationCode | None  # None when activated, or when the code expired or is missing

    @property
    def is_active(self) -> bool:
        return self.user.password_hash is not None


@dataclass
class ChildLetter:
    child: Child
    guardians: list[GuardianLine] = field(default_factory=list)

    @property
    def with_codes(self) -> list[GuardianLine]:
        return [g for g in self.guardians if g.code is not None]


def schools_for_codes(user: User) -> list[Establishment]:
    query = select(Establishment).where(Establishment.kind == EstablishmentKind.SCHOOL,
                                        Establishment.city_id == user.city_id)
    if user.role != Role.ADMIN:
        query = query.where(Establishment.id.in_(sorted(directed_school_ids(user))))
    return list(db.session.scalars(query.order_by(Establishment.name)))


def latest_classes(schools: list[Establishment]) -> dict[int, list[Group]]:
    """Each school's classes of its most recent school year (older years are history)."""
    groups = db.session.scalars(
        select(Group).where(Group.establishment_id.in_([s.id for s in schools]), Group.kind == GroupKind.CLASS)
        .order_by(Group.name)).all()
    latest: dict[int, str] = {}
    for group in groups:
        latest[group.establishment_id] = max(latest.get(group.establishment_id, ""), group.school_year)
    by_school: dict[int, list[Group]] = defaultdict(list)
    for group in groups:
        if group.school_year == latest[group.establishment_id]:
            by_school[group.establishment_id].append(group)
    return by_school


def activation_counts(group_ids: list[int]) -> dict[int, tuple[int, int]]:
    """{group id: (guardians activated, guardians)} over the pupils still in each class."""
    rows = db.session.execute(
        select(Enrolment.group_id, func.count(func.distinct(case((User.password_hash.is_not(None), User.id)))),
               func.count(func.distinct(User.id)))
        .join(Child, Child.id == Enrolment.child_id).join(GuardianLink, GuardianLink.child_id == Child.id)
        .join(User, User.id == GuardianLink.user_id)
        .where(Enrolment.group_id.in_(group_ids), Child.left_dt.is_(None))
        .group_by(Enrolment.group_id))
    return {group_id: (active, total) for group_id, active, total in rows}


def class_children(group: Group) -> list[Child]:
    return list(db.session.scalars(
        select(Child).join(Enrolment).where(Enrolment.group_id == group.id, Child.left_dt.is_(None))
        .options(selectinload(Child.guardian_links).selectinload(GuardianLink.user))
        .order_by(Child.last_name, Child.first_name)))


def class_letters(group: Group, now: datetime) -> list[ChildLetter]:
    letters = []
    for child in class_children(group):
        letter = ChildLetter(child)
        for link in child.guardian_links:
            active = link.user.password_hash is not None
            letter.guardians.append(GuardianLine(link.user, link.relation,
                                                 None if active else current_code(link.user, now)))
        letters.append(letter)
    return letters


def renew_codes(group: Group, now: datetime, valid_days: int) -> int:
    """Give a new code to each guardian of the class not yet activated whose code expired or is missing."""
    to_renew = []
    seen: set[int] = set()
    for child in class_children(group):
        for link in child.guardian_links:
            user = link.user
            if user.id in seen or user.password_hash is not None or not user.is_enabled:
                continue
            seen.add(user.id)
            if current_code(user, now) is None:
                to_renew.append(user)
    issue_activation_codes(to_renew, now, valid_days)
    return len(to_renew)
