"""The director's activation letters: who may print them, what they show, codes issued at printing."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select, update

from ent_lite.accounts.activation import hash_code
from ent_lite.accounts.models import ActivationCode, Role, User
from ent_lite.core.dates import format_day
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


def letters_url(group, child=None) -> str:
    return f"/school/classes/{group.public_id}/letters" + (f"/{child.public_id}" if child else "")


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
    before = code_of(family[0]).code_hash
    assert client.get(codes_url(world.class_a)).status_code == status
    assert client.post(letters_url(world.class_a)).status_code == status
    lou = db.session.scalar(select(Child).where(Child.first_name == "Lou"))
    assert client.post(letters_url(world.class_a, lou)).status_code == status
    db.session.expire_all()
    assert (code_of(family[0]).code_hash != before) == (status == 200)


def test_unknown_class_or_a_team_is_not_found(world, login_as):
    client = login_as(world.admin)
    assert client.get("/school/classes/nope/codes").status_code == 404
    team = factories.make_class(world.school, "Équipe")
    team.kind = "team"
    db.session.commit()
    assert client.get(codes_url(team)).status_code == 404


def printed_codes(html: str) -> list[str]:
    return re.findall(r'<span class="code" translate="no">([A-Z0-9-]+)</span>', html)


def test_the_class_page_shows_states_but_no_code(world, login_as, family):
    anne, marc = family
    page = login_as(world.director).get(codes_url(world.class_a), headers={"Accept-Language": "fr"})
    html = page.get_data(as_text=True)
    code = code_of(anne)
    with force_locale("fr"):
        assert format_day(code.expires_dt) in html  # the city's day, not UTC's
    assert printed_codes(html) == [] and 'class="letter"' not in html
    assert "Fatou Diallo" in html  # activated: listed, without a code
    # Another class's family is not on this page.
    assert "Léo" not in html and "Julie" not in html


def test_english_page_says_printing_voids_earlier_letters(world, login_as, family):
    html = login_as(world.director).get(codes_url(world.class_a), headers={"Accept-Language": "en"}).get_data(
        as_text=True)
    assert "the letters printed for them before stop working" in html
    assert "Print 1 letter with new codes" in html
    fatou = html[html.index("Fatou Diallo"):]
    assert fatou[:fatou.index("</li>")].count("Account active") == 1


def test_printing_issues_new_working_codes_and_voids_the_earlier_ones(world, login_as, family, english):
    anne, marc = family
    old_hashes = {code_of(anne).code_hash, code_of(marc).code_hash}
    client = login_as(world.director)
    response = client.post(letters_url(world.class_a), headers={"Accept-Language": "en"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.count('class="letter"') == 1  # Awa's parents are active; Lou's family gets a letter
    assert "To the family of Lou Martin" in html and "Awa" not in html
    assert "http://localhost/activate" in html
    first = printed_codes(html)
    assert len(first) == 2
    db.session.expire_all()
    assert {code_of(anne).code_hash, code_of(marc).code_hash}.isdisjoint(old_hashes)
    assert {hash_code(code) for code in first} == {code_of(anne).code_hash, code_of(marc).code_hash}
    # Printing again voids the letter just printed.
    second = printed_codes(client.post(letters_url(world.class_a)).get_data(as_text=True))
    assert set(second).isdisjoint(first)
    client.post("/logout")
    assert "This code is unknown" in english.post("/activate", data={"code": first[0]}).get_data(as_text=True)
    assert english.post("/activate", data={"code": second[0]}).headers["Location"] == "/activate/name"


def test_one_familys_letter_is_reissued_on_its_own(world, login_as, family, db):
    anne, marc = family
    # A second waiting family in the class, whose letter must keep working.
    other = factories.make_user(world.city, Role.GUARDIAN, "Nora", "Klein", activated=False)
    factories.make_child(world.city, world.class_a, "Mia", "Klein", guardians=(other,))
    db.session.commit()
    client = login_as(world.director)
    client.post(letters_url(world.class_a))
    db.session.expire_all()
    nora_before = code_of(other).code_hash
    lou = db.session.scalar(select(Child).where(Child.first_name == "Lou"))
    html = client.post(letters_url(world.class_a, lou)).get_data(as_text=True)
    assert html.count('class="letter"') == 1 and "Lou Martin" in html and "Mia" not in html
    codes = printed_codes(html)
    db.session.expire_all()
    assert {hash_code(code) for code in codes} == {code_of(anne).code_hash, code_of(marc).code_hash}
    assert code_of(other).code_hash == nora_before
    # A family whose parents are all active has no letter to print.
    response = client.post(letters_url(world.class_a, world.child_a), follow_redirects=True,
                           headers={"Accept-Language": "en"})
    assert "There is no letter to print" in response.get_data(as_text=True)
    # Another class's pupil is not found through this class.
    assert client.post(letters_url(world.class_a, world.child_b), follow_redirects=True).status_code == 200
    assert code_of(world.parent_b) is None


def test_the_letter_carries_a_privacy_summary_and_the_notice_address(world, login_as, family):
    client = login_as(world.director)
    for language, words in (("en", "The privacy notice tells you everything"),
                            ("fr", "La politique de confidentialité explique tout")):
        html = client.post(letters_url(world.class_a), headers={"Accept-Language": language}).get_data(as_text=True)
        letter = html[html.index('class="letter"'):]
        assert words in letter and "<strong>http://localhost/privacy</strong>" in letter
        assert letter.count("<li>") >= 4 + 3  # the four steps and the three lines on data


def test_no_code_is_stored_in_clear(world, login_as, family):
    html = login_as(world.director).post(letters_url(world.class_a)).get_data(as_text=True)
    codes = [code.replace("-", "") for code in printed_codes(html)]
    assert codes
    rows = str(db.session.execute(select(ActivationCode.__table__)).all())
    assert not any(code in rows or code.lower() in rows for code in codes)
    assert set(db.session.scalars(select(ActivationCode.code_hash))) >= {hash_code(code) for code in codes}


def test_pupils_who_left_are_not_listed(world, login_as, family):
    lou = db.session.scalar(select(Child).where(Child.first_name == "Lou"))
    lou.left_dt = utcnow()
    db.session.commit()
    client = login_as(world.director)
    assert "Lou" not in client.get(codes_url(world.class_a)).get_data(as_text=True)
    assert "Lou" not in client.post(letters_url(world.class_a), follow_redirects=True).get_data(as_text=True)


def test_printing_is_a_post_with_the_csrf_token(world, login_as, family):
    anne, _ = family
    before = code_of(anne).code_hash
    client = login_as(world.director)
    assert client.get(letters_url(world.class_a)).status_code == 405
    assert client.post(letters_url(world.class_a), csrf=False).status_code == 400
    db.session.expire_all()
    assert code_of(anne).code_hash == before


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


def test_class_page_and_printing_cost_the_same_queries_for_1_or_20_families(world, login_as):
    """One IN query for the codes of a whole class, never one per guardian."""
    assert run_import(csv_text(rows=_families("Solo 1", 1) + _families("Many 2", 20)),
                      school_year=factories.SCHOOL_YEAR).ok
    solo, many = (db.session.scalar(select(Group).where(Group.name == name)) for name in ("Solo 1", "Many 2"))
    db.session.execute(update(ActivationCode).values(expires_dt=utcnow() - timedelta(days=1)))
    db.session.commit()
    client = login_as(world.director)
    for method, url in (("GET", codes_url), ("POST", letters_url), ("GET", codes_url)):  # expired, printed, valid
        one, twenty = url(solo), url(many)
        assert _queries(client, method, one) == _queries(client, method, twenty)
    assert db.session.scalar(select(func.count()).select_from(ActivationCode)
                             .where(ActivationCode.expires_dt > utcnow())) == 42
