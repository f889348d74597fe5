"""Activation codes per class: what the director prints, and renewal of expired codes.

Who may see which school, class and pupils is decided in ent_lite/audience/rules.py.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import selectinload

from ent_lite.accounts.activation import current_codes, issue_activation_codes
from ent_lite.accounts.models import ActivationCode, User
from ent_lite.audience import rules
from ent_lite.extensions import db
from ent_lite.school.models import Child, Enrolment, Establishment, Group, GroupKind, GuardianLink


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
    return list(db.session.scalars(rules.visible_code_schools(user).order_by(Establishment.name)))


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


def class_children(user: User, group: Group) -> list[Child]:
    return list(db.session.scalars(
        rules.code_children(user, group)
        .options(selectinload(Child.guardian_links).selectinload(GuardianLink.user))
        .order_by(Child.last_name, Child.first_name)))


def _guardians(children: list[Child]) -> list[User]:
    """Each guardian once, in the order of the class list."""
    return list({link.user.id: link.user for child in children for link in child.guardian_links}.values())


def class_letters(user: User, group: Group, now: datetime) -> list[ChildLetter]:
    children = class_children(user, group)
    waiting = [g.id for g in _guardians(children) if g.password_hash is None]
    codes = current_codes(waiting, now)
    letters = []
    for child in children:
        letter = ChildLetter(child)
        for link in child.guardian_links:
            letter.guardians.append(GuardianLine(link.user, link.relation, codes.get(link.user.id)))
        letters.append(letter)
    return letters


def renew_codes(user: User, group: Group, now: datetime, valid_days: int) -> int:
    """Give a new code to each guardian of the class not yet activated whose code expired or is missing."""
    waiting = [g for g in _guardians(class_children(user, group)) if g.password_hash is None and g.is_enabled]
    codes = current_codes([g.id for g in waiting], now)
    to_renew = [g for g in waiting if g.id not in codes]
    issue_activation_codes(to_renew, now, valid_days)
    return len(to_renew)
