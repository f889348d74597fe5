"""The city's people and places, written in bulk from a ``plan.CityPlan``: the city and its
service with agents, schools with a director and a teacher per class, a periscolaire site
per school with a group of each kind (an animator each, a site lead) and its enrolments,
children in their class, guardians linked to each child of their family.

Every account is enabled and activated with ONE password hash, computed once by the caller
(argon2 is slow on purpose), and has accepted the current privacy notice, so that any
generated person can log in with the printed password.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import insert

from ent_lite.accounts.models import Membership, Role, User, new_session_nonce
from ent_lite.core.db_types import new_public_id
from ent_lite.demo.seed import birth_date, slug
from ent_lite.extensions import db
from ent_lite.generator import names
from ent_lite.generator.bulk import Writer, bulk
from ent_lite.generator.plan import CityPlan
from ent_lite.school.models import (
    Child,
    City,
    Enrolment,
    Establishment,
    EstablishmentKind,
    Group,
    GroupKind,
    GuardianLink,
    PeriscolaireKind,
)

# (kind, group name, share of the school's children enrolled)
PERISCOLAIRE_GROUPS = (
    (PeriscolaireKind.MORNING, "Accueil du matin", 0.2),
    (PeriscolaireKind.LUNCH, "Pause méridienne", 0.6),
    (PeriscolaireKind.EVENING, "Accueil du soir", 0.35),
    (PeriscolaireKind.WEDNESDAY, "Mercredis", 0.15),
    (PeriscolaireKind.HOLIDAYS, "Vacances", 0.1),
)
SERVICE_NAME = "Service Enfance"
CHILDREN_PER_AGENT = 5000
STEP_PARENT_SHARE = 0.1


@dataclass
class Klass:
    id: int
    school_id: int
    teacher_id: int
    children: list[int] = field(default_factory=list)


@dataclass
class PeriGroup:
    id: int
    site_id: int
    kind: str
    animator_id: int
    children: list[int] = field(default_factory=list)


@dataclass
class School:
    id: int
    director_id: int
    classes: list[Klass] = field(default_factory=list)


@dataclass
class Family:
    guardians: list[int]
    authority: list[bool]
    children: list[int]


@dataclass
class Built:
    """The ids the content needs, and the rows written per table."""

    city_id: int
    service_id: int
    year: str
    agents: list[int]
    schools: list[School]
    classes: list[Klass]
    periscolaire: list[PeriGroup]
    families: list[Family]
    family_of_child: dict[int, int]
    counts: dict[str, int]


class People:
    """Account rows with addresses unique to this city: ``first.last.N@<domain>``."""

    def __init__(self, city_id: int, domain: str, password_hash: str, notice: str, now: datetime):
        self.city_id, self.domain, self.now = city_id, domain, now
        self.common = {"password_hash": password_hash, "privacy_notice_version": notice, "is_enabled": True,
                       "created_dt": now, "activated_dt": now, "password_changed_dt": now}
        self.rows: list[dict] = []

    def add(self, role: str, first_name: str, last_name: str) -> int:
        """Queue an account; returns its index in ``rows`` (its id once written)."""
        n = len(self.rows)
        self.rows.append({"public_id": new_public_id(), "city_id": self.city_id, "role": role,
                          "first_name": first_name, "last_name": last_name,
                          "email": f"{slug(first_name)}.{slug(last_name)}.{n}@{self.domain}",
                          "session_nonce": new_session_nonce(), **self.common})
        return n


def build_people(plan: CityPlan, city_name: str, domain: str, password_hash: str, notice: str,
                 now: datetime, year: str, rng: random.Random) -> Built:
    city_id = db.session.execute(insert(City.__table__).values(public_id=new_public_id(), name=city_name)
                                 .returning(City.__table__.c.id)).scalar_one()
    people = People(city_id, domain, password_hash, notice, now)

    def rand_name() -> tuple[str, str]:
        return rng.choice(names.ADULT_WOMEN + names.ADULT_MEN), rng.choice(names.LAST_NAMES)

    # Places: the service, the schools, a periscolaire site next to each school.
    places = [{"kind": EstablishmentKind.SERVICE, "name": SERVICE_NAME, "district": None}]
    places += [{"kind": EstablishmentKind.SCHOOL, "name": s.name, "district": s.district} for s in plan.schools]
    places += [{"kind": EstablishmentKind.PERISCOLAIRE, "name": s.name.replace("École", "Accueil périscolaire", 1),
                "district": s.district} for s in plan.schools]
    place_ids = bulk(Establishment, [{"public_id": new_public_id(), "city_id": city_id, **p} for p in places])
    service_id, school_ids, site_ids = place_ids[0], place_ids[1:1 + len(plan.schools)], place_ids[1 + len(plan.schools):]

    # Groups: the service's team, the classes, the periscolaire groups; staff for each.
    groups = [{"establishment_id": service_id, "kind": GroupKind.TEAM, "name": "Équipe enfance", "levels": "",
               "periscolaire_kind": None}]
    members: list[tuple[int, int, int | None]] = []  # (person index, establishment id, group index)
    agents = [people.add(Role.CITY_AGENT, *rand_name()) for _ in range(max(2, len(plan.children) // CHILDREN_PER_AGENT))]
    members += [(a, service_id, 0) for a in agents]
    people.add(Role.ADMIN, *rand_name())
    people.add(Role.DPO, *rand_name())
    school_shapes, peri_shapes = [], []
    for school, school_id, site_id in zip(plan.schools, school_ids, site_ids):
        director = people.add(Role.DIRECTOR, *rand_name())
        members.append((director, school_id, None))
        classes = []
        for klass in school.classes:
            teacher = people.add(Role.TEACHER, *rand_name())
            members.append((teacher, school_id, len(groups)))
            classes.append((len(groups), teacher, klass))
            groups.append({"establishment_id": school_id, "kind": GroupKind.CLASS, "name": klass.name,
                           "levels": ",".join(klass.levels), "periscolaire_kind": None})
        school_shapes.append((school_id, director, classes))
        levels = ",".join(dict.fromkeys(level for k in school.classes for level in k.levels))
        members.append((people.add(Role.ANIMATOR, *rand_name()), site_id, None))  # the site lead
        for kind, name, share in PERISCOLAIRE_GROUPS:
            animator = people.add(Role.ANIMATOR, *rand_name())
            members.append((animator, site_id, len(groups)))
            peri_shapes.append((len(groups), site_id, kind, animator, share, school))
            groups.append({"establishment_id": site_id, "kind": GroupKind.PERISCOLAIRE, "name": name,
                           "levels": levels, "periscolaire_kind": kind})
    group_ids = bulk(Group, [{"public_id": new_public_id(), "school_year": year, **g} for g in groups])

    # Families: guardians first, then the children and their links.
    family_people = [[people.add(Role.GUARDIAN, *g) for g in f.guardians] for f in plan.families]
    user_ids = bulk(User, people.rows)
    db.session.execute(insert(Membership.__table__), [
        {"user_id": user_ids[p], "establishment_id": e, "group_id": group_ids[g] if g is not None else None}
        for p, e, g in members])
    child_ids = bulk(Child, [{"public_id": new_public_id(), "city_id": city_id, "first_name": c.first_name,
                              "last_name": c.last_name, "level": c.level, "birth_date": birth_date(rng, c.level, year),
                              "created_dt": now} for c in plan.children])

    schools, classes = [], []
    enrolments = Writer(Enrolment)
    for school_id, director, shaped in school_shapes:
        school = School(school_id, user_ids[director])
        for group_index, teacher, klass in shaped:
            built = Klass(group_ids[group_index], school_id, user_ids[teacher], [child_ids[c] for c in klass.children])
            enrolments.extend({"child_id": c, "group_id": built.id} for c in built.children)
            school.classes.append(built)
            classes.append(built)
        schools.append(school)
    periscolaire = []
    for group_index, site_id, kind, animator, share, school_plan in peri_shapes:
        pupils = [child_ids[c] for k in school_plan.classes for c in k.children]
        chosen = sorted(c for c in pupils if rng.random() < share)
        periscolaire.append(PeriGroup(group_ids[group_index], site_id, kind, user_ids[animator], chosen))
        enrolments.extend({"child_id": c, "group_id": group_ids[group_index]} for c in chosen)
    enrolments.flush()

    families, family_of_child, links = [], {}, Writer(GuardianLink)
    for index, (family_plan, guardian_rows) in enumerate(zip(plan.families, family_people)):
        guardians = [user_ids[g] for g in guardian_rows]
        authority = [True] + [rng.random() >= STEP_PARENT_SHARE for _ in guardians[1:]]
        kids = [child_ids[c] for c in family_plan.children]
        for child in kids:
            family_of_child[child] = index
            for rank, (guardian, legal) in enumerate(zip(guardians, authority), start=1):
                links.add({"child_id": child, "user_id": guardian, "rank": rank, "legal_authority": legal,
                           "relation": ("mère", "père")[rank - 1] if legal else "beau-parent"})
        families.append(Family(guardians, authority, kids))
    links.flush()
    counts = {"schools": len(schools), "classes": len(classes), "periscolaire groups": len(periscolaire),
              "children": len(child_ids), "families": len(families),
              "guardians": sum(len(f.guardians) for f in families), "guardian links": links.count,
              "staff": len(user_ids) - sum(len(f.guardians) for f in families), "enrolments": enrolments.count}
    return Built(city_id, service_id, year, [user_ids[a] for a in agents], schools, classes, periscolaire,
                 families, family_of_child, counts)
