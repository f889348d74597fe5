"""Builders for test data. Every user shares one password hashed once per run."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cache

from ent_lite.accounts.models import Membership, Role, User
from ent_lite.accounts.passwords import hash_password
from ent_lite.extensions import db
from ent_lite.core.db_types import utcnow
from ent_lite.privacy.notice import current_notice_version
from ent_lite.school.services import current_school_year
from ent_lite.school.models import (
    Child,
    City,
    Enrolment,
    Establishment,
    EstablishmentKind,
    Group,
    GuardianLink,
)

PASSWORD = "correct horse battery staple"
SCHOOL_YEAR = current_school_year(utcnow())


@cache
def password_hash() -> str:
    return hash_password(PASSWORD)


def make_city(name: str = "Testville") -> City:
    city = City(name=name)
    db.session.add(city)
    db.session.flush()
    return city


def make_school(city: City, name: str, district: str | None = "Centre") -> Establishment:
    school = Establishment(city=city, kind=EstablishmentKind.SCHOOL, name=name, district=district)
    db.session.add(school)
    db.session.flush()
    return school


def make_class(school: Establishment, name: str, levels: str = "CP") -> Group:
    group = Group(establishment=school, name=name, school_year=SCHOOL_YEAR, levels=levels)
    db.session.add(group)
    db.session.flush()
    return group


_counter = {"n": 0}


def make_user(city: City, role: str, first_name: str = "Alex", last_name: str | None = None,
              email: str | None = None, activated: bool = True) -> User:
    _counter["n"] += 1
    n = _counter["n"]
    user = User(
        city_id=city.id,
        role=role,
        first_name=first_name,
        last_name=last_name or f"Person{n}",
        email=email or f"{role}{n}@example.org",
        password_hash=password_hash() if activated else None,
        privacy_notice_version=current_notice_version() if activated else None,
    )
    db.session.add(user)
    db.session.flush()
    return user


def add_membership(user: User, establishment: Establishment, group: Group | None = None) -> None:
    db.session.add(Membership(user=user, establishment_id=establishment.id, group_id=group.id if group else None))
    db.session.flush()


def make_child(city: City, group: Group, first_name: str = "Sam", last_name: str = "Martin",
               level: str | None = None, guardians=(), birth_date: date = date(2019, 5, 4)) -> Child:
    child = Child(city_id=city.id, first_name=first_name, last_name=last_name,
                  birth_date=birth_date, level=level or group.level_list[0])
    db.session.add(child)
    db.session.flush()
    db.session.add(Enrolment(child_id=child.id, group_id=group.id))
    for rank, guardian in enumerate(guardians, start=1):
        db.session.add(GuardianLink(child_id=child.id, user_id=guardian.id, rank=rank,
                                    relation="mère" if rank == 1 else "père", legal_authority=True))
    db.session.flush()
    return child


@dataclass
class FarCity:
    """Another city sharing the database, with the same district name ("Nord") and level (CP)
    as the first, so that only the city filter keeps each city's audiences apart."""

    city: City
    school: Establishment
    service: Establishment
    class_: Group
    teacher: User
    director: User
    city_agent: User
    admin: User
    dpo: User
    parent: User
    child: Child


def build_far_city() -> FarCity:
    city = make_city("Autreville")
    school = make_school(city, "École Victor Hugo", district="Nord")
    service = Establishment(city=city, kind=EstablishmentKind.SERVICE, name="Service Jeunesse")
    db.session.add(service)
    db.session.flush()
    class_ = make_class(school, "CP", "CP")
    teacher = make_user(city, Role.TEACHER, "Gaspard", "Lambert")
    add_membership(teacher, school, class_)
    director = make_user(city, Role.DIRECTOR, "Sophie", "Garnier")
    add_membership(director, school)
    city_agent = make_user(city, Role.CITY_AGENT, "Lina", "Faure")
    add_membership(city_agent, service)
    admin = make_user(city, Role.ADMIN, "Otto", "Admin")
    dpo = make_user(city, Role.DPO, "Dalia", "Délégué")
    parent = make_user(city, Role.GUARDIAN, "Nora", "Girard")
    child = make_child(city, class_, "Noé", "Girard", guardians=(parent,))
    return FarCity(city, school, service, class_, teacher, director, city_agent, admin, dpo, parent, child)


@dataclass
class World:
    city: City
    school: Establishment
    other_school: Establishment
    class_a: Group
    class_b: Group
    other_class: Group
    teacher_a: User
    teacher_b: User
    other_teacher: User
    director: User
    animator: User
    city_agent: User
    admin: User
    dpo: User
    parent_a: User
    parent_a2: User
    parent_b: User
    other_parent: User
    child_a: Child
    child_b: Child
    other_child: Child
    # The second city (far.city): every test runs with it, so nothing may cross city lines.
    far: FarCity | None = None
    extra: dict = field(default_factory=dict)


def build_world() -> World:
    """Two schools; class A and B in the first, one class in the other.

    parent_a and parent_a2 share child_a (class A); parent_b has child_b (class B);
    other_parent has other_child in the other school. ``far`` is a second city.
    """
    city = make_city()
    school = make_school(city, "École Jules Ferry", district="Nord")
    other_school = make_school(city, "École Louise Michel", district="Sud")
    class_a = make_class(school, "CP A", "CP")
    class_b = make_class(school, "CE1 B", "CE1")
    other_class = make_class(other_school, "CM2", "CM2")

    teacher_a = make_user(city, Role.TEACHER, "Claire", "Durand")
    add_membership(teacher_a, school, class_a)
    teacher_b = make_user(city, Role.TEACHER, "Paul", "Bernard")
    add_membership(teacher_b, school, class_b)
    other_teacher = make_user(city, Role.TEACHER, "Nadia", "Roux")
    add_membership(other_teacher, other_school, other_class)
    director = make_user(city, Role.DIRECTOR, "Hélène", "Petit")
    add_membership(director, school)
    animator = make_user(city, Role.ANIMATOR, "Yanis", "Moreau")
    city_agent = make_user(city, Role.CITY_AGENT, "Louis", "Fournier")
    admin = make_user(city, Role.ADMIN, "Ada", "Admin")
    dpo = make_user(city, Role.DPO, "Dora", "Délégué")

    parent_a = make_user(city, Role.GUARDIAN, "Fatou", "Diallo")
    parent_a2 = make_user(city, Role.GUARDIAN, "Moussa", "Diallo")
    parent_b = make_user(city, Role.GUARDIAN, "Julie", "Lefèvre")
    other_parent = make_user(city, Role.GUARDIAN, "Karim", "Benali")
    child_a = make_child(city, class_a, "Awa", "Diallo", guardians=(parent_a, parent_a2))
    child_b = make_child(city, class_b, "Léo", "Lefèvre", guardians=(parent_b,))
    other_child = make_child(city, other_class, "Inès", "Benali", guardians=(other_parent,))
    far = build_far_city()
    db.session.commit()
    return World(city, school, other_school, class_a, class_b, other_class, teacher_a, teacher_b,
                 other_teacher, director, animator, city_agent, admin, dpo, parent_a, parent_a2,
                 parent_b, other_parent, child_a, child_b, other_child, far=far)
