"""Writing a checked roster: schools, classes, children, guardians, activation codes.

``import_roster`` is the one entry point of the CLI and the admin page. It
flushes and never commits: the caller commits, or rolls back for a dry run or
when errors are returned (nothing has been written to the session then).
Everything existing is loaded once into dicts so that 7,000 rows do not cost
a query each; re-importing the same file changes no row.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from ent_lite.accounts.activation import issue_activation_codes
from ent_lite.accounts.models import Role, User
from ent_lite.extensions import db
from ent_lite.school.models import (
    LEVELS, Child, City, Enrolment, Establishment, EstablishmentKind, Group, GroupKind, GuardianLink,
)
from ent_lite.core.text import fold
from ent_lite.school.roster import GuardianEntry, PupilEntry, RosterError, read_roster
from ent_lite.school.roster_hold import hold_for_review, settled_by_earlier_decision
from ent_lite.school.roster_people import Held, Person, find_people, match_guardians
from ent_lite.school.roster_periscolaire import PeriscolaireGroups, check_periscolaire, sync_periscolaire
from ent_lite.school.services import get_city, get_or_create_city

SUMMARY_LABELS = {
    "children_created": _l("Pupils added"),
    "children_updated": _l("Pupils updated"),
    "children_unchanged": _l("Pupils unchanged"),
    "children_left": _l("Pupils marked as left"),
    "guardians_created": _l("Guardians added (with an activation code)"),
    "guardians_updated": _l("Guardians updated"),
    "guardians_held": _l("Guardians held for review (namesakes without an email address)"),
    "classes_created": _l("Classes created"),
    "schools_created": _l("Schools created"),
    "periscolaire_added": _l("Periscolaire enrolments added"),
    "periscolaire_removed": _l("Periscolaire enrolments removed"),
}


@dataclass
class ImportSummary:
    children_created: int = 0
    children_updated: int = 0
    children_unchanged: int = 0
    children_left: int = 0
    guardians_created: int = 0
    guardians_updated: int = 0
    guardians_held: int = 0
    classes_created: int = 0
    schools_created: int = 0
    periscolaire_added: int = 0
    periscolaire_removed: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)

    @property
    def changes(self) -> int:
        return sum(v for k, v in asdict(self).items() if k != "children_unchanged")


@dataclass
class ImportResult:
    errors: list[RosterError] = field(default_factory=list)
    summary: ImportSummary | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


def import_roster(data: bytes, *, school_year: str, now: datetime, city_name: str,
                  valid_days: int, city: City | None = None) -> ImportResult:
    """Into ``city`` (the importing administrator's), else the instance's city, created under
    ``city_name`` when the database holds none (the command line on an empty database)."""
    roster = read_roster(data, now.date())
    if not roster.ok:
        return ImportResult(errors=roster.errors)
    people, held = find_people(roster.entries)
    state = RosterState.load(city or get_city(), school_year)
    periscolaire = PeriscolaireGroups.load(state.city.id if state.city else None, school_year)
    errors = check_against_database(roster.entries, state) + check_periscolaire(roster.entries, periscolaire)
    if errors:
        return ImportResult(errors=sorted(errors, key=lambda error: error.line or 0))
    state.city = city or get_or_create_city(city_name)
    return ImportResult(summary=apply_roster(roster.entries, people, held, state, now, valid_days, periscolaire))


@dataclass
class RosterState:
    """What already exists in the city, indexed for the import."""

    city: City | None
    school_year: str
    schools: dict[str, Establishment]
    other_establishments: set[str]
    groups_by_id: dict[int, Group]
    classes: dict[tuple[int, str], Group]
    other_groups: set[tuple[int, str]]  # same year, not classes: their names are taken
    children: list[Child]
    users_by_id: dict[int, User]

    @property
    def users_by_email(self) -> dict[str, User]:
        return {user.email: user for user in self.users_by_id.values() if user.email}

    @classmethod
    def load(cls, city: City | None, school_year: str) -> RosterState:
        if city is None:
            return cls(None, school_year, {}, set(), {}, {}, set(), [], _load_users(None))
        establishments = db.session.scalars(select(Establishment).where(Establishment.city_id == city.id)).all()
        groups = db.session.scalars(
            select(Group).join(Establishment).where(Establishment.city_id == city.id)).all()
        children = db.session.scalars(
            select(Child).where(Child.city_id == city.id)
            .options(selectinload(Child.enrolments), selectinload(Child.guardian_links))).all()
        return cls(
            city, school_year,
            schools={fold(e.name): e for e in establishments if e.kind == EstablishmentKind.SCHOOL},
            other_establishments={fold(e.name) for e in establishments if e.kind != EstablishmentKind.SCHOOL},
            groups_by_id={g.id: g for g in groups},
            classes={(g.establishment_id, fold(g.name)): g for g in groups
                     if g.kind == GroupKind.CLASS and g.school_year == school_year},
            other_groups={(g.establishment_id, fold(g.name)) for g in groups
                          if g.kind != GroupKind.CLASS and g.school_year == school_year},
            children=list(children),
            users_by_id=_load_users(city),
        )

    def class_enrolments(self, child: Child) -> list[tuple[Enrolment, Group]]:
        pairs = [(e, self.groups_by_id.get(e.group_id)) for e in child.enrolments]
        return [(e, g) for e, g in pairs if g is not None and g.kind == GroupKind.CLASS]


def _load_users(city: City | None) -> dict[int, User]:
    # Every account with an email (the column is unique everywhere) and the city's guardians.
    condition = User.email.is_not(None)
    if city is not None:
        condition = or_(condition, (User.city_id == city.id) & (User.role == Role.GUARDIAN))
    return {user.id: user for user in db.session.scalars(select(User).where(condition))}


def check_against_database(entries: list[PupilEntry], state: RosterState) -> list[RosterError]:
    errors = []
    users_by_email = state.users_by_email
    for entry in entries:
        school = state.schools.get(fold(entry.school))
        if school is None and fold(entry.school) in state.other_establishments:
            errors.append(RosterError(entry.line, "ecole", "not_a_school",
                                      _l("An establishment with this name exists and is not a school.")))
        if school is not None and (school.id, fold(entry.class_name)) in state.other_groups:
            errors.append(RosterError(entry.line, "classe", "not_a_class",
                                      _l("A group with this name exists in this school and is not a class.")))
        for guardian in entry.guardians:
            user = users_by_email.get(guardian.email) if guardian.email else None
            column = f"resp{guardian.rank}_email"
            if user is not None and user.role != Role.GUARDIAN:
                errors.append(RosterError(entry.line, column, "staff_email",
                                          _l("This email address belongs to a staff account.")))
            elif user is not None and (fold(user.last_name), fold(user.first_name)) != guardian.name_key:
                # Linking anyway would give this row's child to the account's owner.
                errors.append(RosterError(entry.line, column, "email_conflict",
                                          _l("This email address belongs to the account of another person "
                                             "(%(name)s).", name=f"{user.first_name} {user.last_name}")))
    return errors


def apply_roster(entries: list[PupilEntry], people: list[Person], held: list[Held], state: RosterState,
                 now: datetime, valid_days: int, periscolaire: PeriscolaireGroups | None = None) -> ImportSummary:
    summary = ImportSummary()
    classes = _resolve_classes(entries, state, summary)
    matches = _match_children(entries, state)
    users, new_users = match_guardians(people, matches, state, summary, now)
    kept, waiting = settled_by_earlier_decision(held, matches, state)
    users.update(kept)
    children = dict(matches)
    for entry in entries:
        child = matches.get(entry.line)
        # A guardian held for review is not linked (yet); the rest of the row is imported.
        links = [(users[(entry.line, g.rank)], g) for g in entry.guardians if (entry.line, g.rank) in users]
        group = classes[fold(entry.school), fold(entry.class_name)]
        if child is None:
            children[entry.line] = _create_child(entry, group, links, state, now)
            summary.children_created += 1
        elif _update_child(child, entry, group, links, state):
            summary.children_updated += 1
        else:
            summary.children_unchanged += 1
    if periscolaire is not None:
        summary.periscolaire_added, summary.periscolaire_removed = sync_periscolaire(entries, children, periscolaire)
    summary.children_left = _mark_left(entries, matches, state, now)
    db.session.flush()
    summary.guardians_held = hold_for_review(waiting, children, list(children.values()), users, state, now)
    issue_activation_codes(list(new_users), now, valid_days)
    return summary


def _resolve_classes(entries, state: RosterState, summary: ImportSummary) -> dict[tuple[str, str], Group]:
    levels: dict[tuple[str, str], set[str]] = defaultdict(set)
    classes: dict[tuple[str, str], Group] = {}
    for entry in entries:
        school_key, class_key = fold(entry.school), fold(entry.class_name)
        school = state.schools.get(school_key)
        if school is None:
            school = Establishment(city=state.city, kind=EstablishmentKind.SCHOOL, name=entry.school)
            db.session.add(school)
            state.schools[school_key] = school
            summary.schools_created += 1
        key = (school_key, class_key)
        levels[key].add(entry.level)
        if key not in classes:
            group = state.classes.get((school.id, class_key)) if school.id else None
            if group is None:
                group = Group(establishment=school, kind=GroupKind.CLASS, name=entry.class_name,
                              school_year=state.school_year, levels="")
                db.session.add(group)
                summary.classes_created += 1
            classes[key] = group
    for key, group in classes.items():
        wanted = ",".join(level for level in LEVELS if level in levels[key])
        if group.levels != wanted:
            group.levels = wanted
    return classes


def _match_children(entries: list[PupilEntry], state: RosterState) -> dict[int, Child]:
    """Same school, names and birth date. A child moving to another school gets a new record (and
    leaves the old one): matching across schools could hand a homonym's record to another family."""
    by_school: dict[tuple, Child] = {}
    for child in state.children:
        for _, group in state.class_enrolments(child):
            by_school[(group.establishment_id, fold(child.last_name), fold(child.first_name),
                       child.birth_date)] = child
    matches: dict[int, Child] = {}
    taken: set[int] = set()
    for entry in entries:
        school = state.schools.get(fold(entry.school))
        child = by_school.get((school.id, *entry.key[1:])) if school is not None and school.id else None
        if child is not None and child.id not in taken:
            matches[entry.line] = child
            taken.add(child.id)
    return matches


def _create_child(entry: PupilEntry, group: Group, links, state: RosterState, now: datetime) -> Child:
    child = Child(city_id=state.city.id, first_name=entry.first_name, last_name=entry.last_name,
                  birth_date=entry.birth_date, level=entry.level, created_dt=now)
    db.session.add(child)
    child.enrolments.append(Enrolment(group=group))
    for user, guardian in links:
        child.guardian_links.append(_link(user, guardian))
    return child


def _link(user: User, guardian: GuardianEntry) -> GuardianLink:
    return GuardianLink(user=user, rank=guardian.rank, relation=guardian.relation,
                        legal_authority=guardian.legal_authority)


def _update_child(child: Child, entry: PupilEntry, group: Group, links, state: RosterState) -> bool:
    """Bring an existing child in line with its row; True when anything changed."""
    changed = False
    for attr, value in (("first_name", entry.first_name), ("last_name", entry.last_name),
                        ("level", entry.level), ("left_dt", None)):
        if getattr(child, attr) != value:
            setattr(child, attr, value)
            changed = True
    this_year = [e for e, g in state.class_enrolments(child) if g.school_year == state.school_year]
    if not this_year:
        child.enrolments.append(Enrolment(group=group))
        changed = True
    elif group.id is None or this_year[0].group_id != group.id:
        this_year[0].group = group
        changed = True
    existing = {link.user_id: link for link in child.guardian_links}
    wanted_ids = {user.id for user, _ in links if user.id is not None}
    for link in list(child.guardian_links):
        if link.user_id not in wanted_ids:  # a guardian taken off the roster loses access
            child.guardian_links.remove(link)
            changed = True
    for user, guardian in links:
        link = existing.get(user.id) if user.id is not None else None
        if link is None:
            child.guardian_links.append(_link(user, guardian))
            changed = True
            continue
        for attr, value in (("rank", guardian.rank), ("relation", guardian.relation),
                            ("legal_authority", guardian.legal_authority)):
            if getattr(link, attr) != value:
                setattr(link, attr, value)
                changed = True
    return changed


def _mark_left(entries, matches: dict[int, Child], state: RosterState, now: datetime) -> int:
    """Children whose latest class is in a school of the file, and who are not listed, have left."""
    listed = {child.id for child in matches.values()}
    schools = {state.schools[fold(e.school)].id for e in entries} - {None}
    count = 0
    for child in state.children:
        if child.id in listed or child.left_dt is not None:
            continue
        enrolments = state.class_enrolments(child)
        if not enrolments:
            continue
        _, latest = max(enrolments, key=lambda pair: pair[1].school_year)
        if latest.establishment_id in schools:
            child.left_dt = now
            count += 1
    return count
