"""A city's roster with namesakes: every other row is imported, the admin tells the namesakes apart."""
from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import delete, func, select

from ent_lite.accounts.models import ActivationCode, Role, User
from ent_lite.audit.models import AuditEntry
from ent_lite.extensions import db
from ent_lite.school import roster_review as reviews
from ent_lite.school.models import Child, RosterReview

from tests import factories
from tests.school.conftest import csv_text, run_import, snapshot

ENGLISH = {"Accept-Language": "en"}
SCHOOL = "École des Tilleuls"


def line(pupil: str, guardian: str, phone: str = "", second: str = "", email: str = "") -> str:
    first, last = pupil.split()
    g_first, g_last = guardian.split()
    cells = ";;;;;"
    if second:
        s_first, s_last = second.split()
        cells = f"{s_last};{s_first};père;oui;;"
    return f"{SCHOOL};CP A;CP;{last};{first};04/05/2019;{g_last};{g_first};mère;oui;{email};{phone};{cells}"


# Three pairs of namesakes the file cannot tell apart, among ordinary rows.
CITY_FILE = csv_text(rows=[
    line("Tom Martin", "Marie Martin", second="Paul Martin"),
    line("Zoé Durand", "Marie Martin", second="Jacques Durand"),  # held: same person, it turns out
    line("Léa Petit", "Anne Petit", phone="0611111111"),
    line("Noé Petit", "Anne Petit", phone="0622222222"),  # held: two different people
    line("Lou Roux", "Sophie Roux", second="Marc Roux"),
    line("Jade Blanc", "Sophie Roux", second="Luc Blanc"),  # held: the admin has her address
    line("Inès Benali", "Karim Benali", email="karim@example.org"),
    line("Lina Martin", "Marie Martin", second="Paul Martin"),  # Tom's sister: the same Marie, no question
])


def guardians_of(first_name: str) -> list[User]:
    child = db.session.scalar(select(Child).where(Child.first_name == first_name))
    return [link.user for link in child.guardian_links]


def review_of(first_name: str) -> RosterReview:
    return db.session.scalar(select(RosterReview).join(Child).where(Child.first_name == first_name))


def upload(client, text: str):
    form = {"school_year": "2026-2027", "roster": (io.BytesIO(text.encode()), "ville.csv")}
    return client.post("/admin/roster", data=form, content_type="multipart/form-data", follow_redirects=True,
                       headers=ENGLISH)


@pytest.fixture
def admin(db):
    city = factories.make_city()
    user = factories.make_user(city, Role.ADMIN, "Ada", "Royer")
    db.session.commit()
    return user


def test_the_file_is_imported_and_each_kind_of_namesake_is_resolved_from_the_review_list(admin, login_as):
    client = login_as(admin)
    report = upload(client, CITY_FILE).get_data(as_text=True)
    assert '<th scope="row">Guardians held for review (namesakes without an email address)</th><td>3</td>' in report
    assert "3 guardians without an email address have the same names" in report
    assert '<th scope="row">Pupils added</th><td>8</td>' in report
    assert [u.first_name for u in guardians_of("Zoé")] == ["Jacques"]
    assert guardians_of("Lina") == guardians_of("Tom")

    page = client.get("/admin/roster/review", headers=ENGLISH).get_data(as_text=True)
    for name in ("Marie Martin", "Anne Petit", "Sophie Roux"):
        assert name in page
    assert "Tom Martin, CP A (École des Tilleuls)" in page  # what the other Marie already has

    marie = guardians_of("Tom")[0]
    client.post(f"/admin/roster/review/{review_of('Zoé').public_id}", data={"decision": "same"})
    assert marie in guardians_of("Zoé")

    first_anne = guardians_of("Léa")[0]
    client.post(f"/admin/roster/review/{review_of('Noé').public_id}", data={"decision": "different"})
    (second_anne,) = guardians_of("Noé")
    assert second_anne != first_anne and second_anne.phone == "0622222222" and second_anne.email is None
    assert db.session.scalar(select(ActivationCode).where(ActivationCode.user_id == second_anne.id))

    client.post(f"/admin/roster/review/{review_of('Jade').public_id}",
                data={"decision": "email", "email": "Sophie.Blanc@example.org"})
    sophie = next(u for u in guardians_of("Jade") if u.first_name == "Sophie")
    assert sophie.email == "sophie.blanc@example.org" and sophie not in guardians_of("Lou")

    assert db.session.scalars(select(RosterReview)).all() == []
    assert "No guardian is waiting for a decision." in client.get("/admin/roster/review", headers=ENGLISH).get_data(
        as_text=True)
    decisions = [json.loads(e.details)["decision"] for e in db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "admin.roster_review").order_by(AuditEntry.id))]
    assert decisions == ["same", "different", "email"]

    # The next import of the same file keeps the decisions and asks nothing again.
    before = snapshot()
    result = run_import(CITY_FILE)
    assert result.ok and result.summary.guardians_held == 0
    assert snapshot() == before


def test_an_email_of_another_person_is_explained_and_nothing_changes(admin, login_as):
    client = login_as(admin)
    upload(client, CITY_FILE)
    review = review_of("Jade")
    response = client.post(f"/admin/roster/review/{review.public_id}", headers=ENGLISH,
                           data={"decision": "email", "email": "karim@example.org"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "This email address belongs to the account of another person (Karim Benali)." in html
    assert 'value="karim@example.org"' in html and 'aria-invalid="true"' in html
    assert review_of("Jade") is not None and [u.first_name for u in guardians_of("Jade")] == ["Luc"]


@pytest.mark.parametrize("role", ["director", "teacher_a", "parent_a", "city_agent", "dpo"])
def test_only_an_administrator_of_the_city_decides(world, login_as, role):
    run_import(CITY_FILE)
    review = db.session.scalar(select(RosterReview))
    client = login_as(getattr(world, role))
    assert client.get("/admin/roster/review").status_code == 404
    assert client.post(f"/admin/roster/review/{review.public_id}", data={"decision": "different"}).status_code == 404
    assert db.session.get(RosterReview, review.id) is not None


def test_an_administrator_of_another_city_does_not_see_the_reviews(world, login_as):
    run_import(CITY_FILE)
    review = db.session.scalar(select(RosterReview))
    other_admin = factories.make_user(factories.make_city("Autreville"), Role.ADMIN, "Otto", "Autre")
    db.session.commit()
    client = login_as(other_admin)
    assert "Marie Martin" not in client.get("/admin/roster/review").get_data(as_text=True)
    assert client.post(f"/admin/roster/review/{review.public_id}", data={"decision": "different"}).status_code == 404


def test_the_command_line_import_says_what_was_held(runner, tmp_text_file):
    result = runner.invoke(args=["ent-lite", "import-roster", tmp_text_file(CITY_FILE), "--school-year", "2026-2027",
                                 "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "Guardians held for review (namesakes without an email address): 3" in result.output
    assert "3 guardians without an email address may be namesakes" in result.output
    assert "/admin/roster/review" in result.output
    assert len(db.session.scalars(select(Child)).all()) == 8


def test_an_address_waiting_for_its_confirmation_is_its_accounts(admin, login_as):
    """Sophie typed her address when she activated; it waits for its confirmation but already logs
    her in: the admin who types it links Sophie's account, never makes a second one."""
    client = login_as(admin)
    upload(client, CITY_FILE)
    sophie = next(u for u in guardians_of("Lou") if u.first_name == "Sophie")
    sophie.pending_email = "sophie.roux@example.org"
    db.session.commit()
    client.post(f"/admin/roster/review/{review_of('Jade').public_id}",
                data={"decision": "email", "email": "sophie.roux@example.org"})
    assert sophie in guardians_of("Jade")
    assert db.session.scalar(select(User).where(User.email == "sophie.roux@example.org")) is None


def test_create_admin_refuses_an_address_waiting_for_its_confirmation(runner, world, mailbox):
    world.parent_a.pending_email = "ada.royer@example.org"
    db.session.commit()
    result = runner.invoke(args=["ent-lite", "create-admin", "ada.royer@example.org", "--first-name", "Ada",
                                 "--last-name", "Royer", "--lang", "en"])
    assert result.exit_code == 1 and "already used by another account" in result.output
    assert db.session.scalar(select(User).where(User.email == "ada.royer@example.org")) is None


def test_a_review_decided_meanwhile_by_another_administrator_changes_nothing(admin, login_as):
    """Both administrators loaded the review; the one who comes second creates no account."""
    client = login_as(admin)
    upload(client, CITY_FILE)
    review = review_of("Noé")
    public_id = review.public_id
    real_find = reviews.find_review

    def found_then_decided_elsewhere(user, wanted):
        found = real_find(user, wanted)
        with db.engine.begin() as connection:  # the other administrator's decision, committed first
            connection.execute(delete(RosterReview).where(RosterReview.public_id == wanted))
        return found

    guardians_before = db.session.scalar(select(func.count(User.id)).where(User.role == Role.GUARDIAN))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(reviews, "find_review", found_then_decided_elsewhere)
        response = client.post(f"/admin/roster/review/{public_id}", data={"decision": "different"},
                               headers=ENGLISH, follow_redirects=True)
    assert response.status_code == 200
    assert "Another administrator has just decided for this guardian." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(func.count(User.id)).where(User.role == Role.GUARDIAN)) == guardians_before
    assert guardians_of("Noé") == []
