"""The director's printable activation codes: who may see them, what they show, renewal."""
from __future__ import annotations

from datetime import timedelta

import pytest
from babel.dates import format_date
from sqlalchemy import func, select, update

from ent_lite.accounts.activation import format_code
from ent_lite.accounts.models import ActivationCode, Role, User
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.school.models import Child, Group

from tests import factories
from tests.queries import recorded_statements
from tests.school.conftest import csv_text, run_import

NEW_FAMILY = ("École Jules Ferry;CP A;CP;Martin;Lou;04/05/2019;Martin;Anne;mère;oui;anne@example.org;;"
              "Martin;Marc;père;oui;;")


@pytest.fixture
def family(world):
    """A family imported into class CP A of the world's school: two guardians with fresh codes."""
    now = utcnow()
    rows = [NEW_FAMILY,
            "École Jules Ferry;CP A;CP;Diallo;Awa;04/05/2019;Diallo;Fatou;mère;oui;;;Diallo;Moussa;père;oui;;",
            "École Jules Ferry;CE1 B;CE1;Lefèvre;Léo;04/05/2019;Lefèvre;Julie;mère;oui;;;;;;;;"]
    assert run_import(csv_text(rows=rows), now=now, school_year=factories.SCHOOL_YEAR).ok
    anne = db.session.scalar(select(User).where(User.first_name == "Anne"))
    marc = db.session.scalar(select(User).where(User.first_name == "Marc"))
    return anne, marc


def codes_url(group) -> str:
    return f"/school/classes/{group.public_id}/codes"


def code_of(user) -> ActivationCode:
    return db.session.scalar(select(ActivationCode).where(ActivationCode.user_id == user.id))


def other_director(world):
    director = factories.make_user(world.city, Role.DIRECTOR, "Omar", "Other")
    factories.add_membership(director, world.other_school)
    db.session.commit()
    return director


def test_director_sees_the_classes_of_their_school_only(world, login_as):
    page = login_as(world.director).get("/school/activation-codes").get_data(as_text=True)
    assert world.class_a.public_id in page and world.class_b.public_id in page
    assert world.other_class.public_id not in page
    assert "École Louise Michel" not in page


def test_admin_sees_every_school(world, login_as):
    page = login_as(world.admin).get("/school/activation-codes").get_data(as_text=True)
    assert all(g.public_id in page for g in (world.class_a, world.class_b, world.other_class))


@pytest.mark.parametrize("role", ["teacher_a", "parent_a", "animator", "city_agent", "dpo"])
def test_the_class_list_is_not_found_for_other_roles(world, login_as, role):
    assert login_as(getattr(world, role)).get("/school/activation-codes").status_code == 404


@pytest.mark.parametrize("who, status", [
    ("director", 200), ("admin", 200), ("teacher_a", 404), ("teacher_b", 404), ("other_director", 404),
    ("parent_a", 404), ("animator", 404), ("city_agent", 404), ("dpo", 404),
])
def test_class_codes_access_matrix(world, login_as, family, who, status):
    user = other_director(world) if who == "other_director" else getattr(world, who)
    client = login_as(user)
    assert client.get(codes_url(world.class_a)).status_code == status
    response = client.post(codes_url(world.class_a) + "/renew")
    assert response.status_code == (302 if status == 200 else 404)


def test_unknown_class_or_a_team_is_not_found(world, login_as):
    client = login_as(world.admin)
    assert client.get("/school/classes/nope/codes").status_code == 404
    team = factories.make_class(world.school, "Équipe")
    team.kind = "team"
    db.session.commit()
    assert client.get(codes_url(team)).status_code == 404


def test_codes_page_lists_codes_expiry_and_printable_letters(world, login_as, family):
    anne, marc = family
    page = login_as(world.director).get(codes_url(world.class_a), headers={"Accept-Language": "fr"})
    html = page.get_data(as_text=True)
    code = code_of(anne)
    assert format_code(code.code) in html and format_code(code_of(marc).code) in html
    assert format_date(code.expires_dt.date(), format="medium", locale="fr") in html
    assert html.count('class="letter"') == 1  # Awa's parents are active; Lou's family gets a letter
    assert "http://localhost/activate" in html
    assert "Fatou Diallo" in html  # activated: listed, without a code (see the English test)
    # Another class's family is not on this page.
    assert "Léo" not in html and "Julie" not in html


def test_english_page_formats_the_date_in_english(world, login_as, family):
    anne, _ = family
    html = login_as(world.director).get(codes_url(world.class_a), headers={"Accept-Language": "en"}).get_data(
        as_text=True)
    assert format_date(code_of(anne).expires_dt.date(), format="medium", locale="en") in html
    assert "To the family of Lou Martin" in html
    fatou_row = html[html.index("Fatou Diallo"):]
    assert fatou_row[:fatou_row.index("</tr>")].count("Account active") == 1


def test_pupils_who_left_are_not_listed(world, login_as, family):
    lou = db.session.scalar(select(Child).where(Child.first_name == "Lou"))
    lou.left_dt = utcnow()
    db.session.commit()
    html = login_as(world.director).get(codes_url(world.class_a)).get_data(as_text=True)
    assert "Lou" not in html and format_code(code_of(family[0]).code) not in html


def test_renewal_replaces_only_expired_or_missing_codes(world, login_as, family):
    anne, marc = family
    expired = code_of(anne)
    expired.expires_dt = utcnow() - timedelta(days=1)
    old_anne, old_marc = expired.code, code_of(marc).code
    db.session.commit()
    client = login_as(world.director)
    assert format_code(old_anne) not in client.get(codes_url(world.class_a)).get_data(as_text=True)

    response = client.post(codes_url(world.class_a) + "/renew", follow_redirects=True)
    assert response.status_code == 200
    db.session.expire_all()
    assert code_of(anne).code != old_anne and code_of(anne).expires_dt > utcnow() + timedelta(days=59)
    assert code_of(marc).code == old_marc
    assert format_code(code_of(anne).code) in response.get_data(as_text=True)
    # Activated guardians never get a code.
    assert code_of(world.parent_a) is None


def test_renewal_needs_the_csrf_token(world, login_as, family):
    anne, _ = family
    code_of(anne).expires_dt = utcnow() - timedelta(days=1)
    db.session.commit()
    response = login_as(world.director).post(codes_url(world.class_a) + "/renew", csrf=False)
    assert response.status_code == 400
    db.session.expire_all()
    assert code_of(anne).expires_dt < utcnow()


def _families(class_name: str, n: int) -> list[str]:
    """n families of two guardians, one of them without email."""
    names = [f"Fam{class_name[-1]}x{i}" for i in range(n)]
    return [f"École Jules Ferry;{class_name};CE1;{name};Kid;04/05/2018;{name};Mum;mère;oui;"
            f"mum.{name}@example.org;;{name};Dad;père;oui;;" for name in names]


def _queries(client, method: str, url: str) -> int:
    db.session.expunge_all()  # each request starts from an empty identity map, as in production
    with recorded_statements() as statements:
        response = client.open(url, method=method)
    assert response.status_code in (200, 302)
    return len(statements)


def test_codes_page_and_renewal_cost_the_same_queries_for_1_or_20_families(world, login_as):
    """One IN query for the codes of a whole class, never one per guardian."""
    assert run_import(csv_text(rows=_families("Solo 1", 1) + _families("Many 2", 20)),
                      school_year=factories.SCHOOL_YEAR).ok
    solo, many = (db.session.scalar(select(Group).where(Group.name == name)) for name in ("Solo 1", "Many 2"))
    db.session.execute(update(ActivationCode).values(expires_dt=utcnow() - timedelta(days=1)))
    db.session.commit()
    client = login_as(world.director)
    one, twenty = codes_url(solo), codes_url(many)
    for method, suffix in (("GET", ""), ("POST", "/renew"), ("GET", "")):  # expired, renewed, then valid codes
        assert _queries(client, method, one + suffix) == _queries(client, method, twenty + suffix)
    assert db.session.scalar(select(func.count()).select_from(ActivationCode)
                             .where(ActivationCode.expires_dt > utcnow())) == 42
