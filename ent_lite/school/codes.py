"""Activation letters per class: each guardian's state, and printing, which issues the codes.

A code's text exists only in the response that prints it (accounts/activation.py): printing a
class's letters, or one family's, gives those guardians new codes and voids their earlier letters.

Who may see which school, class and pupils is decided in ent_lite/rules/staff.py.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import selectinload

from ent_lite import rules
from ent_lite.accounts.activation import IssuedCode, current_codes, issue_activation_codes
from ent_lite.accounts.models import ActivationCode, User
from ent_lite.audit.services import record
from ent_lite.extensions import db
from ent_lite.school.models import Child, Enrolment, Establishment, Group, GroupKind, GuardianLink


@dataclass
class GuardianLine:
    user: User
    relation: str
    # The stored code: its dates only (the database cannot give its text back). None when
    # activated, or when no code is valid.
    code: ActivationCode | None
    # The code's text, set only in the response that issued it, to be printed on the letter.
    printed: IssuedCode | None = None

    @property
    def is_active(self) -> bool:
        return self.user.password_hash is not None


@dataclass
class ChildLetter:
    child: Child
    guardians: list[GuardianLine] = field(default_factory=list)

    @property
    def with_codes(self) -> list[GuardianLine]:
        return [g for g in self.guardians if g.printed is not None]

    @property
    def is_waiting(self) -> bool:
        """A guardian of the pupil may still activate: a letter can be printed for this family."""
        return any(_may_get_code(g.user) for g in self.guardians)


def _may_get_code(user: User) -> bool:
    return user.password_hash is None and user.is_enabled


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


def class_children(user: User, group: Group, child_public_id: str | None = None) -> list[Child]:
    """The pupils still in the class (or the one pupil asked for), with their guardians."""
    query = rules.code_children(user, group)
    if child_public_id is not None:
        query = query.where(Child.public_id == child_public_id)
    return list(db.session.scalars(
        query.options(selectinload(Child.guardian_links).selectinload(GuardianLink.user))
        .order_by(Child.last_name, Child.first_name)))


def _guardians(children: list[Child]) -> list[User]:
    """Each guardian once, in the order of the class list."""
    return list({link.user.id: link.user for child in children for link in child.guardian_links}.values())


def _letters(children: list[Child], codes: dict[int, ActivationCode],
             printed: dict[int, IssuedCode]) -> list[ChildLetter]:
    letters = []
    for child in children:
        letter = ChildLetter(child)
        for link in child.guardian_links:
            user_id = link.user.id
            letter.guardians.append(GuardianLine(link.user, link.relation, codes.get(user_id), printed.get(user_id)))
        letters.append(letter)
    return letters


def class_letters(user: User, group: Group, now: datetime) -> list[ChildLetter]:
    """The class list with each guardian's state, without any code's text."""
    children = class_children(user, group)
    waiting = [g.id for g in _guardians(children) if g.password_hash is None]
    return _letters(children, current_codes(waiting, now), {})


def print_letters(user: User, group: Group, now: datetime, valid_days: int,
                  child_public_id: str | None = None) -> list[ChildLetter]:
    """Issue fresh codes and return the letters that print them: every family of the class
    that has not activated, or only one pupil's family. Earlier letters of those guardians
    stop working. An unknown pupil, or one whose guardians are all active, gives no letter.
    """
    children = class_children(user, group, child_public_id)
    issued = issue_activation_codes([g for g in _guardians(children) if _may_get_code(g)], now, valid_days)
    printed = {code.user_id: code for code in issued}
    letters = [letter for letter in _letters(children, {code.user_id: code.row for code in issued}, printed)
               if letter.with_codes]
    if issued:
        # Counts only: which letters were printed says nothing more than the class list does.
        record("roster.codes_print", actor=user, target=group.establishment, now=now,
               details={"group": group.public_id, "letters": len(letters), "codes": len(issued),
                        "one_family": child_public_id is not None})
    return letters
