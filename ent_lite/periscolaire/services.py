"""Who keeps the periscolaire sites and groups, and the changes they make.

- an admin keeps every periscolaire site of their city;
- a site lead (``ent_lite.rules.led_site_ids``) keeps their own sites;
- the animators of a group see its list of children, and change nothing;
- everyone else sees nothing (the views answer 404). Nothing crosses cities: a child is
  enrolled only in a group of a site of the child's own city.
- the children a keeper may add come from "the site's schools" (``pickable_schools``): every
  school of the city for the admin; for a site lead, the schools of the site's district (the
  model links a site to schools by nothing else), none when the site has no district.
- a group's kind (``PeriscolaireKind``, ``periscolaire.kinds``) is set by who keeps its site;
  groups created before the kinds existed have none until then (``untyped_groups``).
Enrolling, removing a child, changing a group's kind and a site's absence cutoff are audited
(codes and counts only). Rules take what they need; the writes flush, the view commits.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, time

from sqlalchemy import false, func, select

from ent_lite import rules
from ent_lite.accounts.models import Membership, Role, User
from ent_lite.audience.keys import this_school_year
from ent_lite.audit.services import record
from ent_lite.extensions import db
from ent_lite.school.models import (
    Child,
    Enrolment,
    Establishment,
    EstablishmentKind,
    Group,
    GroupKind,
    PeriscolaireKind,
)

# "16:00", "7:45", "16h00", "16 h 00": what people type for an hour.
CUTOFF_RE = re.compile(r"\s*(\d{1,2})\s*[:hH]\s*(\d{2})\s*")


@dataclass(frozen=True)
class GroupRow:
    group: Group
    children: int  # current children enrolled
    animators: tuple[User, ...] = ()


@dataclass(frozen=True)
class SiteRow:
    site: Establishment
    groups: tuple[GroupRow, ...]
    leads: tuple[User, ...] = ()


# --- rules -------------------------------------------------------------------------------

def managed_sites(user, reach: rules.Reach | None = None):
    """SELECT of the periscolaire sites this user keeps: an admin's city's, a lead's own."""
    sites = select(Establishment).where(Establishment.kind == EstablishmentKind.PERISCOLAIRE)
    if not getattr(user, "is_authenticated", False):
        return sites.where(false())
    if user.role == Role.ADMIN:
        return sites.where(Establishment.city_id == user.city_id)
    led = rules.led_site_ids(user, reach)
    return sites.where(Establishment.id.in_(sorted(led)) if led else false())


def may_keep_sites(user, reach: rules.Reach | None = None) -> bool:
    """Whether the sites page exists for this user (an admin, a site lead)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.role == Role.ADMIN or bool(rules.led_site_ids(user, reach))


def can_manage_site(user, site: Establishment, reach: rules.Reach | None = None) -> bool:
    return bool(db.session.scalar(select(managed_sites(user, reach).where(Establishment.id == site.id).exists())))


def can_edit_group(user, group: Group, reach: rules.Reach | None = None) -> bool:
    """Enrol and remove children: who keeps the group's site, for a periscolaire group."""
    return group.kind == GroupKind.PERISCOLAIRE and can_manage_site(user, group.establishment, reach)


def can_view_group(user, group: Group, reach: rules.Reach | None = None) -> bool:
    """The list of children: who keeps the site, and the group's own animators."""
    if group.kind != GroupKind.PERISCOLAIRE:
        return False
    reach = reach or rules.reach_of(user)
    if reach.role == Role.ANIMATOR and group.id in reach.group_ids:
        return True
    return can_edit_group(user, group, reach)


# --- reading -----------------------------------------------------------------------------

def _counts(group_ids: list[int]) -> Counter:
    if not group_ids:
        return Counter()
    rows = db.session.execute(
        select(Enrolment.group_id, func.count()).join(Child, Child.id == Enrolment.child_id)
        .where(Enrolment.group_id.in_(group_ids), Child.left_dt.is_(None)).group_by(Enrolment.group_id))
    return Counter(dict(rows.all()))


def _staff(site_ids: list[int]) -> list[tuple[int, int | None, User]]:
    if not site_ids:
        return []
    return list(db.session.execute(
        select(Membership.establishment_id, Membership.group_id, User).join(User, User.id == Membership.user_id)
        .where(Membership.establishment_id.in_(site_ids), User.role == Role.ANIMATOR, User.is_enabled.is_(True))
        .order_by(User.last_name, User.first_name, User.id)).all())


def site_rows(sites: list[Establishment], school_year: str | None = None) -> list[SiteRow]:
    """Each site with its groups of the school year, their children counts and animators."""
    year = school_year or this_school_year()
    ids = [s.id for s in sites]
    groups = list(db.session.scalars(
        select(Group).where(Group.establishment_id.in_(ids), Group.school_year == year)
        .order_by(Group.name, Group.id))) if ids else []
    counts = _counts([g.id for g in groups])
    staff = _staff(ids)
    rows = []
    for site in sites:
        group_rows = tuple(
            GroupRow(g, counts[g.id], tuple(u for _, gid, u in staff if gid == g.id))
            for g in groups if g.establishment_id == site.id)
        leads = tuple(u for est, gid, u in staff if est == site.id and gid is None)
        rows.append(SiteRow(site, group_rows, leads))
    return rows


def enrolled_children(group: Group) -> list[tuple[Child, str]]:
    """The group's current children with their class this school year (or "")."""
    children = list(db.session.scalars(
        select(Child).join(Enrolment, Enrolment.child_id == Child.id)
        .where(Enrolment.group_id == group.id, Child.left_dt.is_(None))
        .order_by(Child.last_name, Child.first_name, Child.id)))
    classes = _class_names([c.id for c in children], group.school_year)
    return [(child, classes.get(child.id, "")) for child in children]


def _class_names(child_ids: list[int], school_year: str) -> dict[int, str]:
    if not child_ids:
        return {}
    rows = db.session.execute(
        select(Enrolment.child_id, Group.name, Establishment.name)
        .join(Group, Group.id == Enrolment.group_id).join(Establishment, Establishment.id == Group.establishment_id)
        .where(Enrolment.child_id.in_(child_ids), Group.kind == GroupKind.CLASS, Group.school_year == school_year))
    return {child_id: f"{class_name} · {school_name}" for child_id, class_name, school_name in rows}


def pickable_schools(user, site: Establishment) -> list[Establishment]:
    """The schools whose pupils this keeper of the site may add to its groups (see above)."""
    schools = select(Establishment).where(Establishment.city_id == site.city_id,
                                          Establishment.kind == EstablishmentKind.SCHOOL)
    if getattr(user, "role", None) != Role.ADMIN:
        schools = schools.where(Establishment.district == site.district if site.district else false())
    return list(db.session.scalars(schools.order_by(Establishment.name, Establishment.id)))


def sites_of_children(child_ids, school_year: str) -> dict[int, list[Establishment]]:
    """{child id: the sites of the child's periscolaire groups that school year, by name}; one query."""
    ids = sorted(set(child_ids))
    if not ids:
        return {}
    rows = db.session.execute(
        select(Enrolment.child_id, Establishment).join(Group, Group.id == Enrolment.group_id)
        .join(Establishment, Establishment.id == Group.establishment_id)
        .where(Enrolment.child_id.in_(ids), Group.kind == GroupKind.PERISCOLAIRE, Group.school_year == school_year)
        .distinct().order_by(Establishment.name, Establishment.id)).all()
    found: dict[int, list[Establishment]] = {}
    for child_id, site in rows:
        found.setdefault(child_id, []).append(site)
    return found


def untyped_groups(site_ids, school_year: str | None = None):
    """SELECT of the periscolaire groups of these sites (a list or a SELECT of ids) that have no
    kind yet, this school year: no kind criterion of a city audience reaches their children, and
    their animators get the absence notices of every day (``absences.rules``)."""
    return select(Group).where(Group.kind == GroupKind.PERISCOLAIRE, Group.periscolaire_kind.is_(None),
                               Group.establishment_id.in_(site_ids),
                               Group.school_year == (school_year or this_school_year()))


def untyped_group_count(city_id: int, school_year: str | None = None) -> int:
    sites = select(Establishment.id).where(Establishment.city_id == city_id,
                                           Establishment.kind == EstablishmentKind.PERISCOLAIRE)
    return db.session.scalar(select(func.count()).select_from(untyped_groups(sites, school_year).subquery())) or 0


def school_classes(school: Establishment, school_year: str) -> list[Group]:
    return list(db.session.scalars(
        select(Group).where(Group.establishment_id == school.id, Group.kind == GroupKind.CLASS,
                            Group.school_year == school_year).order_by(Group.name)))


def addable_children(user, group: Group, class_: Group) -> list[Child]:
    """The current children of a class of the site's schools (for this keeper) not yet in the group."""
    if class_.kind != GroupKind.CLASS or class_.establishment_id not in {
            s.id for s in pickable_schools(user, group.establishment)}:
        return []
    already = select(Enrolment.child_id).where(Enrolment.group_id == group.id)
    return list(db.session.scalars(
        select(Child).join(Enrolment, Enrolment.child_id == Child.id)
        .where(Enrolment.group_id == class_.id, Child.left_dt.is_(None), Child.id.not_in(already))
        .order_by(Child.last_name, Child.first_name, Child.id)))


# --- writes ------------------------------------------------------------------------------

def enrol(actor: User, group: Group, children: list[Child], now: datetime) -> int:
    """Enrol these children (checked by the caller: current, same city); returns how many were new."""
    already = set(db.session.scalars(select(Enrolment.child_id).where(Enrolment.group_id == group.id)))
    added = 0
    for child in children:
        if child.id in already or child.city_id != group.establishment.city_id or child.left_dt is not None:
            continue
        db.session.add(Enrolment(child_id=child.id, group_id=group.id))
        already.add(child.id)
        added += 1
    db.session.flush()
    if added:
        record("periscolaire.enrol", actor=actor, target=group, now=now, details={"children": added})
    return added


def unenrol(actor: User, group: Group, child: Child, now: datetime) -> bool:
    """Take a child out of the group; False when the child was not in it."""
    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.group_id == group.id,
                                                          Enrolment.child_id == child.id))
    if enrolment is None:
        return False
    db.session.delete(enrolment)
    db.session.flush()
    record("periscolaire.unenrol", actor=actor, target=group, now=now, details={"children": 1})
    return True


def set_kind(actor: User, group: Group, kind: str, now: datetime) -> bool:
    """Give a periscolaire group its kind (one of ``PeriscolaireKind.ALL``, checked by the
    caller); False when unchanged."""
    if kind not in PeriscolaireKind.ALL:
        raise ValueError(f"unknown periscolaire kind {kind!r}")
    if group.periscolaire_kind == kind:
        return False
    group.periscolaire_kind = kind
    db.session.flush()
    record("periscolaire.kind", actor=actor, target=group, now=now, details={"kind": kind})
    return True


def parse_cutoff(text: str | None) -> tuple[bool, time | None]:
    """(valid, hour): an empty field means the default hour (None)."""
    if not (text or "").strip():
        return True, None
    match = CUTOFF_RE.fullmatch(text)
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        return False, None
    return True, time(int(match.group(1)), int(match.group(2)))


def set_cutoff(actor: User, site: Establishment, cutoff: time | None, now: datetime) -> bool:
    """The hour until which families say a child is absent today; False when unchanged."""
    if site.absence_cutoff == cutoff:
        return False
    site.absence_cutoff = cutoff
    db.session.flush()
    record("periscolaire.cutoff", actor=actor, target=site, now=now,
           details={"cutoff": cutoff.strftime("%H:%M") if cutoff else "default"})
    return True
