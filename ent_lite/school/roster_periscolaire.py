"""The roster's optional ``groupes_periscolaires`` column: a child's periscolaire groups.

Each name is "Site / Groupe" or a group name that only one site of the city uses, among the
periscolaire groups of the imported school year; case, accents and punctuation do not matter.
An unknown or ambiguous name is an error of that row (the whole file is then refused, as for
any row error, so nothing is half-imported). When the column is present, the child's
periscolaire groups of that year become exactly the listed ones (an empty cell takes the child
out of them); when it is absent, periscolaire enrolments are left alone.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ent_lite.core.text import fold
from ent_lite.extensions import db
from ent_lite.school.models import Child, Enrolment, Establishment, Group, GroupKind
from ent_lite.school.roster_model import PERISCOLAIRE_COLUMN, PupilEntry, RosterError


@dataclass
class PeriscolaireGroups:
    """The city's periscolaire groups of one school year, by the names a roster may use."""

    by_full_name: dict[str, list[Group]]
    by_name: dict[str, list[Group]]

    @classmethod
    def load(cls, city_id: int | None, school_year: str) -> PeriscolaireGroups:
        by_full_name: dict[str, list[Group]] = defaultdict(list)
        by_name: dict[str, list[Group]] = defaultdict(list)
        if city_id is not None:
            rows = db.session.execute(
                select(Group, Establishment.name).join(Establishment, Establishment.id == Group.establishment_id)
                .where(Establishment.city_id == city_id, Group.kind == GroupKind.PERISCOLAIRE,
                       Group.school_year == school_year).order_by(Group.id))
            for group, site_name in rows:
                by_full_name[fold(f"{site_name} {group.name}")].append(group)
                by_name[fold(group.name)].append(group)
        return cls(by_full_name, by_name)

    def find(self, name: str) -> list[Group]:
        """The groups this name may mean: one is a match, none unknown, several ambiguous."""
        key = fold(name)
        return self.by_full_name.get(key) or self.by_name.get(key) or []

    def ids(self) -> set[int]:
        return {g.id for groups in self.by_name.values() for g in groups}


def check_periscolaire(entries: list[PupilEntry], groups: PeriscolaireGroups) -> list[RosterError]:
    errors = []
    for entry in entries:
        for name in entry.periscolaire or ():
            found = groups.find(name)
            if not found:
                errors.append(RosterError(entry.line, PERISCOLAIRE_COLUMN, "unknown_periscolaire_group", _l(
                    "No periscolaire group “%(name)s” this school year: write “Site / Group” as on the "
                    "periscolaire page, and separate the groups with “;”.", name=name)))
            elif len(found) > 1:
                errors.append(RosterError(entry.line, PERISCOLAIRE_COLUMN, "ambiguous_periscolaire_group", _l(
                    "Several sites have a periscolaire group “%(name)s”: write “Site / Group”.", name=name)))
    return errors


def sync_periscolaire(entries: list[PupilEntry], children: dict[int, Child],
                      groups: PeriscolaireGroups) -> tuple[int, int]:
    """Make each listed child's periscolaire groups of the year the listed ones: (added, removed)."""
    known = groups.ids()
    added = removed = 0
    for entry in entries:
        child = children.get(entry.line)
        if entry.periscolaire is None or child is None:
            continue
        wanted = {group.id: group for name in entry.periscolaire for group in groups.find(name)[:1]}
        current = {e.group_id: e for e in child.enrolments if e.group_id in known}
        for group_id, enrolment in current.items():
            if group_id not in wanted:
                child.enrolments.remove(enrolment)
                removed += 1
        for group_id, group in wanted.items():
            if group_id not in current:
                child.enrolments.append(Enrolment(group=group))
                added += 1
    return added, removed
