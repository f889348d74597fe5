"""Seed the demo city: three schools, eight classes, 150 children and their families,
staff of every role, a few posts, activities (ent_lite.demo.activities), the city's week
(periscolaire groups, calendar, absences, the city as a contact: ent_lite.demo.city_life) and
activation codes for the families not yet activated.

Deterministic (one ``random.Random(seed)``) and fast: the demo password is hashed once and
the hash shared by every demo account. Rows are written directly with the models, except
posts, which go through the posts service (``create_post``) like a teacher's.
"""
from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select, update

from ent_lite.accounts.activation import issue_activation_code
from ent_lite.accounts.models import Membership, Role, User
from ent_lite.accounts.passwords import hash_password
from ent_lite.audience.keys import ALL_KEY, establishment_key, group_key
from ent_lite.demo import data
from ent_lite.demo.activities import seed_activities
from ent_lite.demo.city_life import seed_city_life
from ent_lite.extensions import db
from ent_lite.notifications.models import Mode, NotificationEvent, NotificationPreferences
from ent_lite.posts.models import Post, PostRead
from ent_lite.posts.services import create_post
from ent_lite.privacy.notice import current_notice_version
from ent_lite.school.services import current_school_year
from ent_lite.school.models import (
    LEVELS,
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


class AlreadySeeded(Exception):
    """The database already holds a city other than the demo one."""


def birth_date(rng: random.Random, level: str, year: str) -> date:
    # A PS child turns 3 in the calendar year the school year starts.
    born = int(year[:4]) - 3 - LEVELS.index(level)
    return date(born, 1, 1) + timedelta(days=rng.randrange(365))


def slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text.casefold()).encode("ascii", "ignore").decode()
    return "-".join("".join(ch if ch.isalnum() else " " for ch in plain).split())


@dataclass
class Seeder:
    city: City
    now: datetime
    rng: random.Random
    password_hash: str
    year: str
    notice_version: str

    def __post_init__(self):
        self.emails: set[str] = set()

    def email(self, first_name: str, last_name: str) -> str:
        base = f"{slug(first_name)}.{slug(last_name)}"
        address, n = f"{base}@{data.EMAIL_DOMAIN}", 1
        while address in self.emails:
            n += 1
            address = f"{base}{n}@{data.EMAIL_DOMAIN}"
        self.emails.add(address)
        return address

    def user(self, role: str, first_name: str, last_name: str, *, activated: bool = True,
             with_email: bool = True, phone: str | None = None) -> User:
        user = User(
            city_id=self.city.id, role=role, first_name=first_name, last_name=last_name,
            email=self.email(first_name, last_name) if with_email else None, phone=phone,
            password_hash=self.password_hash if activated else None,
            privacy_notice_version=self.notice_version if activated else None,
            activated_dt=self.now - timedelta(days=self.rng.randrange(1, 60)) if activated else None,
        )
        db.session.add(user)
        return user

    def establishment(self, kind: str, name: str, district: str | None) -> Establishment:
        establishment = Establishment(city=self.city, kind=kind, name=name, district=district)
        db.session.add(establishment)
        return establishment

    def group(self, establishment: Establishment, kind: str, name: str, levels: str,
              periscolaire_kind: str | None = None) -> Group:
        group = Group(establishment=establishment, kind=kind, name=name, school_year=self.year, levels=levels,
                      periscolaire_kind=periscolaire_kind)
        db.session.add(group)
        return group

    def member(self, user: User, establishment: Establishment, group: Group | None = None) -> None:
        db.session.add(Membership(user=user, establishment=establishment, group=group))


def seed_demo(now: datetime, city_name: str = data.DEMO_CITY_NAME, seed: int = data.DEMO_SEED,
              code_days: int = 60) -> City | None:
    """Create the demo city; return None (and change nothing) when it already exists.

    Flushes only: the caller commits.
    """
    if db.session.scalar(select(City).where(City.name == city_name)) is not None:
        return None
    if db.session.scalar(select(func.count()).select_from(City)):
        raise AlreadySeeded("the database already holds another city")
    city = City(name=city_name)
    db.session.add(city)
    db.session.flush()
    s = Seeder(city, now, random.Random(seed), hash_password(data.DEMO_PASSWORD), current_school_year(now),
               current_notice_version())

    schools, classes = _structure_and_staff(s)
    periscolaire_group, animator = _periscolaire(s)
    agent = _service(s)
    s.user(Role.ADMIN, *data.ADMIN)
    s.user(Role.DPO, *data.DPO)
    children_by_class, guardians = _families(s, classes)

    _enrol_periscolaire(s, periscolaire_group, children_by_class)

    for guardian in guardians:
        if guardian.password_hash is None:
            issue_activation_code(guardian, now, valid_days=code_days)
    _posts(s, schools, children_by_class, periscolaire_group, animator, agent)
    seed_activities(city.id, agent, animator, guardians[0], children_by_class, now)
    seed_city_life(s, schools, children_by_class, periscolaire_group, agent, guardians[0])
    _notifications(guardians[0], now)
    db.session.flush()
    return city


def _notifications(showcase: User, now: datetime) -> None:
    """Families were told of the older posts when they appeared; the last two days are left
    to the demo's worker. The printed parent is told of everything at once, without quiet
    hours, so the demo's console shows a mail as soon as a teacher posts or writes to them."""
    db.session.flush()
    db.session.execute(update(NotificationEvent).where(NotificationEvent.not_before_dt < now - timedelta(days=2))
                       .values(fanned_out_dt=NotificationEvent.not_before_dt))
    db.session.add(NotificationPreferences(
        user_id=showcase.id, news_email=Mode.IMMEDIATE, todo_email=Mode.IMMEDIATE,
        messages_email=Mode.IMMEDIATE, quiet_start_minute=0, quiet_end_minute=0, quiet_weekends=False))


def _structure_and_staff(s: Seeder):
    schools: list[tuple[Establishment, User, list[tuple[Group, User]]]] = []
    classes: list[Group] = []
    teachers = iter(data.TEACHERS)
    for (name, district, class_specs), director_name in zip(data.SCHOOLS, data.DIRECTORS):
        school = s.establishment(EstablishmentKind.SCHOOL, name, district)
        director = s.user(Role.DIRECTOR, *director_name)
        s.member(director, school)
        taught = []
        for class_name, levels in class_specs:
            group = s.group(school, GroupKind.CLASS, class_name, levels)
            teacher = s.user(Role.TEACHER, *next(teachers))
            s.member(teacher, school, group)
            taught.append((group, teacher))
            classes.append(group)
        schools.append((school, director, taught))
    return schools, classes


def _periscolaire(s: Seeder) -> tuple[Group, User]:
    site = s.establishment(EstablishmentKind.PERISCOLAIRE, *data.PERISCOLAIRE_SITE)
    group = s.group(site, GroupKind.PERISCOLAIRE, *data.PERISCOLAIRE_GROUP, periscolaire_kind=PeriscolaireKind.EVENING)
    animator = s.user(Role.ANIMATOR, *data.ANIMATOR)
    s.member(animator, site, group)
    return group, animator


def _enrol_periscolaire(s: Seeder, group: Group, children_by_class: dict[Group, list[Child]]) -> None:
    """Some children of the nearby school stay for the evening childcare."""
    candidates = [child for school_class, children in children_by_class.items()
                  if school_class.establishment.name == data.PERISCOLAIRE_SCHOOL
                  and set(school_class.level_list) & set(group.level_list) for child in children]
    for child in s.rng.sample(candidates, min(data.PERISCOLAIRE_CHILDREN, len(candidates))):
        db.session.add(Enrolment(child=child, group=group))
    db.session.flush()


def _service(s: Seeder) -> User:
    service = s.establishment(EstablishmentKind.SERVICE, data.SERVICE, None)
    team = s.group(service, GroupKind.TEAM, data.SERVICE_TEAM, "")
    agent = s.user(Role.CITY_AGENT, *data.CITY_AGENT)
    s.member(agent, service, team)
    return agent


def _families(s: Seeder, classes: list[Group]):
    """150 seats spread over the classes, filled family by family (siblings share guardians)."""
    rng = s.rng
    seats = [(classes[i % len(classes)]) for i in range(data.CHILD_COUNT)]
    rng.shuffle(seats)
    sizes = [3] * data.FAMILIES_WITH_THREE + [2] * data.FAMILIES_WITH_TWO
    sizes += [1] * (data.CHILD_COUNT - sum(sizes))
    children_by_class: dict[Group, list[Child]] = {group: [] for group in classes}
    guardians: list[User] = []
    last_names = rng.sample(data.LAST_NAMES, len(data.LAST_NAMES))
    for index, size in enumerate(sizes):
        last_name = last_names[index % len(last_names)]
        # The first family with several children is the one printed for the demo: activated.
        showcase = index == 0
        family = [_guardian(s, data.ADULT_WOMEN, last_name, showcase)]
        if rng.random() < data.SECOND_GUARDIAN_SHARE:
            other_name = last_name if rng.random() < 0.8 else rng.choice(data.LAST_NAMES)
            family.append(_guardian(s, data.ADULT_MEN, other_name, False))
        guardians.extend(family)
        for _ in range(size):
            group = seats.pop()
            level = rng.choice(group.level_list)
            first_name = rng.choice(data.GIRL_NAMES if rng.random() < 0.5 else data.BOY_NAMES)
            child = Child(city_id=s.city.id, first_name=first_name, last_name=last_name,
                          birth_date=birth_date(rng, level, s.year), level=level)
            db.session.add(child)
            db.session.add(Enrolment(child=child, group=group))
            children_by_class[group].append(child)
            for rank, guardian in enumerate(family, start=1):
                relation = ("mère", "père")[rank - 1]
                # A few second guardians are step-parents: informed, without legal authority.
                authority = rank == 1 or guardian.last_name == last_name or rng.random() < 0.5
                db.session.add(GuardianLink(child=child, user=guardian, rank=rank,
                                            relation=relation if authority else "beau-parent",
                                            legal_authority=authority))
    db.session.flush()
    return children_by_class, guardians


def _guardian(s: Seeder, first_names: list[str], last_name: str, showcase: bool) -> User:
    rng = s.rng
    first_name = rng.choice(first_names)
    with_email = showcase or rng.random() >= data.NO_EMAIL_SHARE
    activated = showcase or (with_email and rng.random() < data.ACTIVATED_SHARE)
    phone = f"06 39 98 {rng.randrange(100):02d} {rng.randrange(100):02d}" if rng.random() < 0.7 else None
    return s.user(Role.GUARDIAN, first_name, last_name, activated=activated, with_email=with_email, phone=phone)


def _posts(s: Seeder, schools, children_by_class, periscolaire_group: Group, animator: User, agent: User) -> None:
    days_ago = iter(range(1, 100))
    for school, director, taught in schools:
        for (group, teacher), (title, body) in zip(taught, data.CLASS_POSTS):
            post = _post(s, teacher, title, body, [group_key(group.id)], next(days_ago))
            _reads(s, post, children_by_class[group])
        for title, body in data.SCHOOL_POSTS:
            post = _post(s, director, title, body, [establishment_key(school.id)], next(days_ago))
            _reads(s, post, [child for group, _ in taught for child in children_by_class[group]])
    title, body = data.PERISCOLAIRE_POST
    _post(s, animator, title, body, [group_key(periscolaire_group.id)], 0)
    title, body = data.CITY_POST
    _post(s, agent, title, body, [ALL_KEY], 2)


def _post(s: Seeder, author: User, title: str, body: str, keys, days_ago: int) -> Post:
    db.session.flush()  # the audience rules read the author's memberships from the database
    published = s.now - timedelta(days=days_ago, hours=s.rng.randrange(8))
    return create_post(author, title, body, keys, now=published)


def _reads(s: Seeder, post: Post, children: list[Child]) -> None:
    """About half of the activated families have opened the post."""
    db.session.flush()
    readers = {link.user for child in children for link in child.guardian_links if link.user.password_hash}
    for reader in sorted(readers, key=lambda u: u.id):
        if s.rng.random() < 0.5:
            read = post.published_dt + timedelta(hours=2)
            db.session.add(PostRead(post_id=post.id, user_id=reader.id, read_dt=read))
