"""`flask ent-lite seed-demo`: a whole demo city in one command, seeded once, with a login per role."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from ent_lite import PROJECT_ROOT
from ent_lite.accounts.activation import format_code, hash_code, normalise_code
from ent_lite.accounts.models import ActivationCode, Membership, Role, User
from ent_lite.accounts.password_policy import context_words_for, password_problems, place_words
from ent_lite.audience.keys import ESTABLISHMENT, GROUP
from ent_lite.demo.accounts import printed_accounts
from ent_lite.demo.data import DEMO_CITY_NAME, DEMO_PASSWORD
from ent_lite.posts.models import Post, PostAudience
from ent_lite.school.services import place_names
from ent_lite.school.models import Child, City, Enrolment, Establishment, EstablishmentKind, Group, GroupKind, GuardianLink
from tests.conftest import empty_database


def seed(runner):
    result = runner.invoke(args=["ent-lite", "seed-demo"])
    assert result.exit_code == 0, result.output
    return result.output


def count(db, model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def row_counts(db) -> dict[str, int]:
    return {table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables}


def test_seed_creates_schools_classes_and_families(runner, db):
    seed(runner)

    city = db.session.scalar(select(City))
    assert city.name == DEMO_CITY_NAME
    schools = db.session.scalars(select(Establishment).where(Establishment.kind == EstablishmentKind.SCHOOL)).all()
    assert len(schools) == 3 and all(school.district for school in schools)
    classes = db.session.scalars(select(Group).where(Group.kind == GroupKind.CLASS)).all()
    assert len(classes) == 8
    assert {level for group in classes for level in group.level_list} == {
        "PS", "MS", "GS", "CP", "CE1", "CE2", "CM1", "CM2"}
    assert [group.name for group in classes if len(group.level_list) == 2] == ["CE1-CE2"]

    assert count(db, Child) == 150
    guardians_per_child = db.session.execute(
        select(func.count(GuardianLink.id)).group_by(GuardianLink.child_id)).scalars().all()
    assert len(guardians_per_child) == 150 and set(guardians_per_child) <= {1, 2}
    assert {1, 2} <= set(guardians_per_child)
    children_per_guardian = db.session.execute(
        select(func.count(GuardianLink.id)).group_by(GuardianLink.user_id)).scalars().all()
    assert sum(1 for n in children_per_guardian if n >= 2) >= 5  # siblings share guardians
    assert count(db, User, User.role == Role.GUARDIAN, User.email.is_(None)) > 0
    # Every child is in exactly one class.
    class_enrolments = db.session.execute(
        select(func.count(Enrolment.id)).join(Group).where(Group.kind == GroupKind.CLASS)
        .group_by(Enrolment.child_id)).scalars().all()
    assert len(class_enrolments) == 150 and set(class_enrolments) == {1}


def test_seed_creates_staff_of_every_role_where_they_work(runner, db):
    seed(runner)

    for role in Role.ALL:
        assert count(db, User, User.role == role) >= 1, role
    for school in db.session.scalars(select(Establishment).where(Establishment.kind == EstablishmentKind.SCHOOL)):
        teachers = count(db, Membership, Membership.establishment_id == school.id, Membership.group_id.is_not(None),
                         Membership.user.has(role=Role.TEACHER))
        assert teachers >= 2, school.name
        assert count(db, Membership, Membership.establishment_id == school.id, Membership.group_id.is_(None),
                     Membership.user.has(role=Role.DIRECTOR)) == 1
    animator, lead = db.session.scalars(select(User).where(User.role == Role.ANIMATOR).order_by(User.id))
    (place,) = animator.memberships
    assert place.establishment.kind == EstablishmentKind.PERISCOLAIRE
    assert place.group.kind == GroupKind.PERISCOLAIRE and count(db, Enrolment, Enrolment.group_id == place.group_id) > 0
    # The site lead: one membership for the whole site, no group.
    (site_wide,) = lead.memberships
    assert site_wide.establishment == place.establishment and site_wide.group is None
    agent = db.session.scalar(select(User).where(User.role == Role.CITY_AGENT))
    assert [m.establishment.kind for m in agent.memberships] == [EstablishmentKind.SERVICE]


def test_seed_gives_codes_to_families_not_yet_activated_and_posts_to_every_school(runner, db):
    seed(runner)

    waiting = db.session.scalars(select(User).where(User.role == Role.GUARDIAN, User.password_hash.is_(None))).all()
    assert waiting
    codes = db.session.scalars(select(ActivationCode).where(ActivationCode.used_dt.is_(None))).all()
    assert sorted(code.user_id for code in codes) == sorted(user.id for user in waiting)

    for school in db.session.scalars(select(Establishment).where(Establishment.kind == EstablishmentKind.SCHOOL)):
        kinds = db.session.scalars(
            select(PostAudience.kind).join(Post).where(Post.establishment_id == school.id)).all()
        assert GROUP in kinds and ESTABLISHMENT in kinds, school.name


def test_output_lists_a_login_for_every_role_and_an_activation_code(runner, db):
    output = seed(runner)

    assert DEMO_PASSWORD in output
    accounts = printed_accounts(db.session.scalar(select(City)))
    assert {account.role for account in accounts} == set(Role.ALL)
    for account in accounts:
        assert re.search(rf"^{account.role} +{re.escape(account.email)} +{re.escape(account.who)}$", output,
                         re.MULTILINE), account
    match = re.search(r"activation code (\S+), family name (.+)$", output, re.MULTILINE)
    code = db.session.scalar(select(ActivationCode).where(ActivationCode.code_hash == hash_code(match[1])))
    assert code.used_dt is None and format_code(normalise_code(match[1])) == match[1]
    assert code.user.last_name == match[2]
    # Only a keyed hash is stored: the printed code appears nowhere in the table.
    assert match[1].replace("-", "") not in str(db.session.execute(select(ActivationCode.__table__)).all())


def test_each_run_prints_a_new_working_code_and_voids_the_one_printed_before(runner, db, client):
    first = re.search(r"activation code (\S+)", seed(runner))[1]
    second = re.search(r"activation code (\S+)", seed(runner))[1]
    assert first != second
    assert "This code is unknown" in client.post("/activate", data={"code": first},
                                                 headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert client.post("/activate", data={"code": second}).location.endswith("/activate/name")


def test_printed_accounts_sign_in_with_the_demo_password(runner, db, login_as):
    seed(runner)

    for account in printed_accounts(db.session.scalar(select(City))):
        login_as(account.user, password=DEMO_PASSWORD)


def test_demo_password_meets_the_password_policy_for_every_account(runner, db):
    seed(runner)

    city = db.session.scalar(select(City))
    places = place_words(place_names(city.id))
    assert "jaures" in places and "tilleuls" in places
    for user in db.session.scalars(select(User)):
        words = context_words_for(user.first_name, user.last_name, user.email, city.name)
        assert password_problems(DEMO_PASSWORD, words, places) == [], user.email


def test_second_run_changes_nothing(runner, db):
    seed(runner)
    before = row_counts(db)

    output = seed(runner)

    assert "already there" in output
    assert row_counts(db) == before


def test_same_seed_gives_the_same_city_and_logins(runner, db):
    first_output = seed(runner)
    children = select(Child.first_name, Child.last_name, Child.level, Child.birth_date).order_by(Child.id)
    first_children = db.session.execute(children).all()
    empty_database()

    second_output = seed(runner)

    logins = [line for line in first_output.splitlines() if "@" in line or "password" in line]
    assert logins and logins == [line for line in second_output.splitlines() if "@" in line or "password" in line]
    assert db.session.execute(children).all() == first_children


def test_refuses_to_seed_a_database_that_holds_a_real_city(runner, db, world):
    before = row_counts(db)

    result = runner.invoke(args=["ent-lite", "seed-demo"])

    assert result.exit_code != 0
    assert "another city" in result.output
    assert row_counts(db) == before


def test_readme_shows_the_logins_the_demo_prints(runner, db):
    output = seed(runner)

    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    logins = [line for line in output.splitlines() if "@" in line or "password:" in line]
    assert len(logins) == len(printed_accounts(db.session.scalar(select(City)))) + 1  # and the password line
    assert [line for line in logins if line not in readme] == []


def test_printed_activation_code_activates_the_family_account(runner, db, client):
    output = seed(runner)
    code, last_name = re.search(r"activation code (\S+), family name (.+)$", output, re.MULTILINE).groups()

    steps = [
        ("/activate", {"code": code}, "/activate/name"),
        ("/activate/name", {"last_name": last_name}, "/activate/account"),
        ("/activate/account", {"email": "nouveau.parent@example.org", "password": "Lanterne-Verte-Orage-42",
                               "confirm": "Lanterne-Verte-Orage-42"}, "/welcome/privacy"),
    ]
    for url, form, next_url in steps:
        response = client.post(url, data=form)
        assert response.status_code == 302 and response.location.endswith(next_url), (url, response.status_code)


def test_seed_demo_refuses_to_run_in_production(tmp_path):
    from ent_lite import create_app

    app = create_app({"ENT_LITE_ENV": "production", "SECRET_KEY": "p" * 40, "SINGLE_PROCESS": True,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/prod.sqlite3"})
    with app.app_context():
        from ent_lite.extensions import db as database

        database.create_all()
        result = app.test_cli_runner().invoke(args=["ent-lite", "seed-demo"])
        assert result.exit_code != 0
        assert "production" in result.output
        from ent_lite.school.models import City

        assert database.session.query(City).count() == 0
        database.engine.dispose()
