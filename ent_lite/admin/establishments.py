"""City services, periscolaire sites and districts, kept by the administrator.

Schools come from the roster import, which recognises them by name: their name is not
edited here (a renamed school would be created again by the next import), only their
district, which city agents use to reach the schools of a neighbourhood. Services and
periscolaire sites are created here with a name and an optional district; a periscolaire
site gets its groups, a service its teams, for the current school year.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy import select

from ent_lite.accounts.models import User
from ent_lite.audit.services import record
from ent_lite.core.text import fold
from ent_lite.extensions import db
from ent_lite.school.models import Establishment, EstablishmentKind, Group, GroupKind, PeriscolaireKind

KIND_LABELS = {
    EstablishmentKind.SCHOOL: _l("School"),
    EstablishmentKind.PERISCOLAIRE: _l("Periscolaire site"),
    EstablishmentKind.SERVICE: _l("City service"),
}
# What an administrator creates here; schools come from the roster.
CREATED_KINDS = (EstablishmentKind.SERVICE, EstablishmentKind.PERISCOLAIRE)
GROUP_KIND = {EstablishmentKind.PERISCOLAIRE: GroupKind.PERISCOLAIRE, EstablishmentKind.SERVICE: GroupKind.TEAM}
NAME_MAX, DISTRICT_MAX, GROUP_NAME_MAX = 200, 100, 100

Problems = dict[str, list[str]]


def city_establishments(admin: User) -> list[Establishment]:
    """The city's establishments: services, then periscolaire sites, then schools, by name."""
    order = {EstablishmentKind.SERVICE: 0, EstablishmentKind.PERISCOLAIRE: 1, EstablishmentKind.SCHOOL: 2}
    rows = db.session.scalars(select(Establishment).where(Establishment.city_id == admin.city_id))
    return sorted(rows, key=lambda e: (order.get(e.kind, 3), fold(e.name)))


def city_districts(admin: User) -> list[str]:
    return sorted({e.district for e in city_establishments(admin) if e.district}, key=fold)


def find_establishment(admin: User, public_id: str) -> Establishment | None:
    establishment = db.session.scalar(select(Establishment).where(Establishment.public_id == public_id))
    return establishment if establishment is not None and establishment.city_id == admin.city_id else None


def _clean(text: str | None) -> str:
    return " ".join((text or "").split())


def _name_problem(admin: User, name: str, current: Establishment | None) -> str | None:
    if not name:
        return _("This field is required.")
    if len(name) > NAME_MAX:
        return _("At most %(n)s characters.", n=NAME_MAX)
    taken = any(fold(e.name) == fold(name) and e is not current for e in city_establishments(admin))
    return _("Another establishment of the city already has this name.") if taken else None


def _district_problem(district: str) -> str | None:
    return _("At most %(n)s characters.", n=DISTRICT_MAX) if len(district) > DISTRICT_MAX else None


def create_establishment(admin: User, kind: str, name: str, district: str | None,
                         now: datetime) -> tuple[Establishment | None, Problems]:
    """A new service or periscolaire site, or the problems by field name. Flushes."""
    name, district = _clean(name), _clean(district)
    problems: Problems = {}
    if kind not in CREATED_KINDS:
        problems["kind"] = [_("Choose a kind from the list.")]
    for field, problem in (("name", _name_problem(admin, name, None)), ("district", _district_problem(district))):
        if problem:
            problems[field] = [problem]
    if problems:
        return None, problems
    establishment = Establishment(city_id=admin.city_id, kind=kind, name=name, district=district or None)
    db.session.add(establishment)
    db.session.flush()
    record("admin.establishment_create", actor=admin, target=establishment, now=now, details={"kind": kind})
    return establishment, problems


def update_establishment(admin: User, establishment: Establishment, name: str | None, district: str | None,
                         now: datetime) -> Problems:
    """Change the district (and the name, except a school's). Flushes."""
    district = _clean(district)
    problems: Problems = {}
    if establishment.kind != EstablishmentKind.SCHOOL:
        name = _clean(name)
        if problem := _name_problem(admin, name, establishment):
            problems["name"] = [problem]
    if problem := _district_problem(district):
        problems["district"] = [problem]
    if problems:
        return problems
    if establishment.kind != EstablishmentKind.SCHOOL:
        establishment.name = name
    establishment.district = district or None
    record("admin.establishment_update", actor=admin, target=establishment, now=now,
           details={"kind": establishment.kind})
    return problems


def add_group(admin: User, establishment: Establishment, name: str, school_year: str,
              now: datetime, periscolaire_kind: str | None = None) -> tuple[Group | None, Problems]:
    """A periscolaire group (of one PeriscolaireKind) or a service team for ``school_year``. Flushes."""
    name = _clean(name)
    kind = GROUP_KIND.get(establishment.kind)
    is_periscolaire = kind == GroupKind.PERISCOLAIRE
    if is_periscolaire and periscolaire_kind not in PeriscolaireKind.ALL:
        return None, {"periscolaire_kind": [_("Choose when the group looks after the children.")]}
    problem = None
    if kind is None:
        problem = _("Classes come from the school roster.")
    elif not name:
        problem = _("This field is required.")
    elif len(name) > GROUP_NAME_MAX:
        problem = _("At most %(n)s characters.", n=GROUP_NAME_MAX)
    elif any(fold(g.name) == fold(name) and g.school_year == school_year for g in establishment.groups):
        problem = _("This establishment already has a group with this name this school year.")
    if problem:
        return None, {"group_name": [problem]}
    group = Group(establishment=establishment, kind=kind, name=name, school_year=school_year, levels="",
                  periscolaire_kind=periscolaire_kind if is_periscolaire else None)
    db.session.add(group)
    db.session.flush()
    record("admin.group_create", actor=admin, target=group, now=now, details={"kind": kind})
    return group, {}
