"""``flask ent-lite generate-city``: a city the app reads as if people had written it, the
same for the same seed, never written twice."""
from __future__ import annotations

from collections import Counter
from datetime import timezone

import pytest
from sqlalchemy import distinct, func, select

from ent_lite.accounts.models import Membership, Role, User
from ent_lite.agenda.models import Event
from ent_lite.conversations.models import Message, Thread
from ent_lite.extensions import db as _db
from ent_lite.forms.models import PostForm, Response
from ent_lite.core.db_types import utcnow
from ent_lite.generator.city import PASSWORD, city_name
from ent_lite.generator.year import SchoolYear
from ent_lite.forms.models import Response as FormResponse
from ent_lite.conversations.models import ThreadRead
from tests import factories
from tests.conftest import empty_database
from ent_lite.posts.models import Post, PostAudience, PostRead, PostSignature
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

CHILDREN = 300


def generate(runner, seed: int = 5, children: int = CHILDREN):
    result = runner.invoke(args=["ent-lite", "generate-city", "--children", str(children), "--seed", str(seed)])
    assert result.exit_code == 0, result.output
    return result.output


def count(model, *where) -> int:
    return _db.session.scalar(select(func.count()).select_from(model).where(*where))


def table_counts() -> dict[str, int]:
    return {table.name: _db.session.scalar(select(func.count()).select_from(table))
            for table in _db.metadata.sorted_tables}


def city_of(seed: int) -> City:
    return _db.session.scalar(select(City).where(City.name == city_name(seed)))


@pytest.fixture
def year():
    return SchoolYear(utcnow())


@pytest.fixture
def city(runner, year):
    output = generate(runner)
    assert PASSWORD in output and "children" in output
    return city_of(5)


def class_children(group_id: int) -> list[int]:
    return list(_db.session.scalars(select(Enrolment.child_id).where(Enrolment.group_id == group_id)))


def test_the_city_has_the_stated_shape(city, year):
    schools = _db.session.scalars(select(Establishment).where(
        Establishment.city_id == city.id, Establishment.kind == EstablishmentKind.SCHOOL)).all()
    assert schools and {s.district for s in schools} != {None}
    assert count(Child, Child.city_id == city.id) == CHILDREN
    for school in schools:
        pupils = count(Enrolment, Enrolment.group_id.in_(select(Group.id).where(Group.establishment_id == school.id)))
        assert 100 <= pupils <= 300
        assert count(Membership, Membership.establishment_id == school.id, Membership.group_id.is_(None)) == 1
    classes = _db.session.scalars(select(Group).join(Establishment).where(
        Establishment.city_id == city.id, Group.kind == GroupKind.CLASS)).all()
    for group in classes:
        assert 15 <= len(class_children(group.id)) <= 30
        assert count(Membership, Membership.group_id == group.id) == 1  # its teacher
        assert group.school_year == classes[0].school_year
        # Two posts a school week since the year began, to the class (a Monday may pass meanwhile).
        posts = count(PostAudience, PostAudience.kind == "group", PostAudience.value == str(group.id))
        assert posts in {2 * len(year.weeks), 2 * len(year.weeks) + 2}

    links = count(GuardianLink, GuardianLink.child_id.in_(select(Child.id).where(Child.city_id == city.id)))
    assert 1.5 <= links / CHILDREN <= 1.7
    children_per_guardian = Counter(_db.session.scalars(
        select(GuardianLink.user_id).join(Child).where(Child.city_id == city.id, GuardianLink.rank == 1)))
    families = len(children_per_guardian)
    with_siblings = sum(1 for n in children_per_guardian.values() if n > 1)
    assert 0.2 <= with_siblings / families <= 0.4

    kinds = _db.session.execute(select(Group.periscolaire_kind, func.count(distinct(Enrolment.child_id)))
                                .join(Enrolment).join(Establishment)
                                .where(Establishment.city_id == city.id, Group.kind == GroupKind.PERISCOLAIRE)
                                .group_by(Group.periscolaire_kind)).all()
    assert {kind for kind, enrolled in kinds if enrolled} == set(PeriscolaireKind.ALL)
    assert count(User, User.city_id == city.id, User.role == Role.CITY_AGENT) >= 2
    assert count(User, User.city_id == city.id, User.role == Role.ANIMATOR) >= 6 * len(schools)

    posts = count(Post)
    assert count(PostAudience) == posts  # one audience key each
    assert count(PostRead) > posts * 10
    assert count(PostSignature) and count(PostForm) and count(Response)
    assert count(Message) >= count(Thread) >= CHILDREN // 3
    assert count(Event) > 0


def test_everything_is_dated_in_this_school_year_before_now(city, year):
    """Nothing for the first purge to delete as last year's, nothing from the future."""
    now = utcnow()
    for column in (Post.published_dt, Post.created_dt, PostRead.read_dt, PostSignature.signed_dt,
                   FormResponse.created_dt, Thread.created_dt, Message.created_dt, ThreadRead.last_read_dt):
        first, last = _db.session.execute(select(func.min(column), func.max(column))).one()
        assert year.start <= aware(first) and aware(last) <= now, column
    # Posts are written on school days, in school hours (UTC 7 h to 17 h), never in the holidays.
    for (published,) in _db.session.execute(select(Post.published_dt)):
        published = aware(published)
        assert published.weekday() < 5 and 7 <= published.hour < 17, published
        assert not year.in_holidays(published.date()), published


def aware(moment):
    """SQLite gives back UTC moments without their time zone."""
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def test_guardians_of_every_kind_log_in_and_read_class_school_and_city_news(city, client, login_as):
    step_parent = _db.session.scalar(select(User).join(GuardianLink).join(Child).where(
        Child.city_id == city.id, GuardianLink.legal_authority.is_(False)).limit(1))
    siblings_parent = _db.session.scalar(select(User).join(GuardianLink).join(Child).where(
        Child.city_id == city.id).group_by(User.id).having(func.count(GuardianLink.child_id) > 1).limit(1))
    assert step_parent is not None and siblings_parent is not None
    city_post = _db.session.scalar(select(Post).join(PostAudience).where(PostAudience.kind == "all")
                                   .order_by(Post.published_dt.desc()).limit(1))
    for guardian in (step_parent, siblings_parent):
        child = _db.session.scalar(select(Child).join(GuardianLink).where(GuardianLink.user_id == guardian.id)
                                   .order_by(Child.id).limit(1))
        klass = _db.session.scalar(select(Group).join(Enrolment).where(
            Enrolment.child_id == child.id, Group.kind == GroupKind.CLASS))
        school_post = _db.session.scalar(select(Post).join(PostAudience).where(
            PostAudience.kind == "establishment", PostAudience.value == str(klass.establishment_id))
            .order_by(Post.published_dt.desc()).limit(1))
        login_as(guardian, PASSWORD)
        assert f"/news/{latest_class_post(klass.id).public_id}" in client.get("/news").get_data(as_text=True)
        for post in (school_post, city_post):
            assert client.get(f"/news/{post.public_id}").status_code == 200, post.title


def latest_class_post(group_id: int) -> Post:
    return _db.session.scalar(select(Post).join(PostAudience).where(
        PostAudience.kind == "group", PostAudience.value == str(group_id)).order_by(Post.published_dt.desc()).limit(1))


def a_class(city) -> Group:
    return _db.session.scalar(select(Group).join(Establishment).where(
        Establishment.city_id == city.id, Group.kind == GroupKind.CLASS).order_by(Group.id).limit(1))


def test_a_teacher_follows_who_read_their_class_post(city, english, login_as):
    group = a_class(city)
    teacher = _db.session.scalar(select(User).join(Membership).where(Membership.group_id == group.id))
    post = latest_class_post(group.id)
    first_guardian = {link.child_id: link.user_id for link in _db.session.scalars(
        select(GuardianLink).where(GuardianLink.child_id.in_(class_children(group.id)), GuardianLink.rank == 1))}
    readers = set(_db.session.scalars(select(PostRead.user_id).where(PostRead.post_id == post.id)))
    families = set(first_guardian.values())
    # A family reads through its first guardian, sometimes the second too.
    families_read = {g for g in families if g in readers}
    login_as(teacher, PASSWORD)
    page = english.get(f"/news/{post.public_id}/tracking")
    assert page.status_code == 200
    assert f"Read by {len(families_read)} of {len(families)} families" in page.get_data(as_text=True)


def test_a_parent_finds_their_childs_class_posts_in_the_feed(city, client, login_as):
    group = a_class(city)
    child_id = class_children(group.id)[0]
    guardian = _db.session.scalar(select(User).join(GuardianLink).where(GuardianLink.child_id == child_id))
    post = latest_class_post(group.id)
    login_as(guardian, PASSWORD)
    feed = client.get("/news").get_data(as_text=True)
    assert f"/news/{post.public_id}" in feed
    assert client.get(f"/news/{post.public_id}").status_code == 200


def roster() -> list[tuple]:
    return _db.session.execute(select(Child.first_name, Child.last_name, Child.level, Child.birth_date)
                               .order_by(Child.id)).all()


def test_the_same_seed_twice_adds_nothing_and_gives_the_same_city(city, runner):
    before, children = table_counts(), roster()
    output = generate(runner)
    assert "already there: nothing was added" in output
    assert table_counts() == before
    assert count(City, City.name == city_name(5)) == 1

    # From an empty database, the same seed writes the same city again.
    empty_database()
    generate(runner)
    assert table_counts() == before
    assert roster() == children


def test_the_same_seed_with_another_size_is_refused(city, runner):
    before = table_counts()
    result = runner.invoke(args=["ent-lite", "generate-city", "--children", str(CHILDREN + 50), "--seed", "5"])
    assert result.exit_code != 0
    assert f"already there with {CHILDREN} children, not {CHILDREN + 50}" in result.output
    assert table_counts() == before


def test_never_into_a_real_citys_database_nor_in_production(app, runner, db, monkeypatch):
    factories.make_city("Testville")
    _db.session.commit()
    result = runner.invoke(args=["ent-lite", "generate-city", "--children", "120", "--seed", "5"])
    assert result.exit_code != 0 and "holds a real city (Testville)" in result.output
    assert count(City) == 1 and count(User) == 0

    monkeypatch.setitem(app.config, "ENT_LITE_ENV", "production")
    _db.session.execute(City.__table__.delete())
    _db.session.commit()
    result = runner.invoke(args=["ent-lite", "generate-city", "--children", "120", "--seed", "5"])
    assert result.exit_code != 0 and "refuses to run with ENT_LITE_ENV=production" in result.output
    assert count(City) == 0


def test_another_seed_makes_another_city_beside_it(city, runner):
    first = roster()
    generate(runner, seed=6)
    other = city_of(6)
    assert other is not None and other.id != city.id
    second = _db.session.execute(select(Child.first_name, Child.last_name, Child.level, Child.birth_date)
                                 .where(Child.city_id == other.id).order_by(Child.id)).all()
    assert len(second) == CHILDREN and second != first
    # Nothing of one city reaches into the other: each child's guardians are of its city.
    assert count(GuardianLink, GuardianLink.child_id.in_(select(Child.id).where(Child.city_id == other.id)),
                 GuardianLink.user_id.in_(select(User.id).where(User.city_id == city.id))) == 0
