"""Administration: home page and roster upload, for admins only."""
from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from ent_lite.extensions import db
from ent_lite.school.models import Child, City

from tests.school.conftest import ROWS, csv_text, snapshot


def upload(client, data: bytes, filename: str = "roster.csv", headers=None, **fields):
    form = {"school_year": "2026-2027", "roster": (io.BytesIO(data), filename), **fields}
    return client.post("/admin/roster", data=form, content_type="multipart/form-data", follow_redirects=True,
                       headers=headers or {})


def children() -> int:
    """The pupils of the city the admin imports into (the test world's second city aside)."""
    return db.session.scalar(select(func.count(Child.id)).join(City, City.id == Child.city_id)
                             .where(City.name != "Autreville"))


@pytest.mark.parametrize("role", ["director", "teacher_a", "parent_a", "animator", "city_agent", "dpo"])
def test_admin_pages_are_not_found_for_other_roles(world, login_as, role):
    client = login_as(getattr(world, role))
    assert client.get("/admin/").status_code == 404
    assert client.get("/admin/roster").status_code == 404
    assert upload(client, csv_text().encode()).status_code == 404
    assert children() == 3


def test_admin_pages_need_login(client):
    assert client.get("/admin/roster").status_code == 302


def test_index_links_to_the_admin_tasks_and_shows_figures(world, login_as):
    page = login_as(world.admin).get("/admin/", headers={"Accept-Language": "en"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'href="/admin/roster"' in html and 'href="/school/activation-codes"' in html
    assert 'href="/staff/invite"' in html
    assert '<th scope="row">Pupils</th><td>3</td>' in html
    assert '<th scope="row">Guardian accounts activated</th><td>4</td>' in html


def test_upload_imports_and_shows_the_summary(world, login_as):
    """Awa is already in the world's class; Léo and Inès of the world have other birth dates."""
    client = login_as(world.admin)
    assert 'enctype="multipart/form-data"' in client.get("/admin/roster").get_data(as_text=True)
    response = upload(client, csv_text().encode("cp1252"), headers={"Accept-Language": "en"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for label, n in [("Pupils added", 3), ("Pupils unchanged", 1), ("Pupils marked as left", 2),
                     ("Guardians added (with an activation code)", 2), ("Classes created", 0)]:
        assert f'<th scope="row">{label}</th><td>{n}</td>' in html
    assert children() == 6
    assert db.session.scalar(select(Child.last_name).where(Child.birth_date.is_not(None),
                                                           Child.first_name == "Issa")) == "Diallo"
    # The summary is shown once (it lived in the session until displayed).
    assert "Pupils added" not in client.get("/admin/roster", headers={"Accept-Language": "en"}).get_data(
        as_text=True)


def test_dry_run_shows_what_would_change_without_saving(world, login_as):
    client = login_as(world.admin)
    before = snapshot()
    response = upload(client, csv_text().encode(), dry_run="y")
    assert response.status_code == 200 and "<caption>" in response.get_data(as_text=True)
    assert snapshot() == before


def test_a_bad_file_shows_the_line_numbered_report_and_saves_nothing(world, login_as):
    client = login_as(world.admin)
    before = snapshot()
    rows = [ROWS[0], ROWS[1].replace("CE1 B;CE1", "CE1 B;CE7"), ROWS[2].replace("oui;julie", "peut-être;julie")]
    response = upload(client, csv_text(rows=rows).encode())
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.search(r"<td>3</td>\s*<td>niveau</td>", html)
    assert re.search(r"<td>4</td>\s*<td>resp1_autorite_parentale</td>", html)
    assert "CE7" in html
    assert snapshot() == before


@pytest.mark.parametrize("data", [
    b"",
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8,
    b"name,first name\nMartin,Jean\n",
    "ecole;classe\r\n\"unterminated;CP\r\n".encode(),
])
def test_malformed_files_get_the_report_never_a_500(world, login_as, data):
    response = upload(login_as(world.admin), data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'class="errors"' in html
    assert children() == 3


def test_a_file_is_required_and_the_school_year_checked(world, login_as):
    client = login_as(world.admin)
    response = client.post("/admin/roster", data={"school_year": "2026"}, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="roster-error"' in html and 'id="school_year-error"' in html
    assert 'value="2026"' in html  # what was typed is kept


def test_upload_needs_the_csrf_token(world, login_as):
    client = login_as(world.admin)
    response = client.post("/admin/roster", data={"school_year": "2026-2027",
                                                  "roster": (io.BytesIO(csv_text().encode()), "r.csv")},
                           content_type="multipart/form-data", csrf=False)
    assert response.status_code == 400
    assert children() == 3


def test_a_too_large_upload_gets_413(world, login_as, app, monkeypatch):
    client = login_as(world.admin)
    # A small limit keeps the upload in memory (no temporary file) and the test fast.
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 4096)
    response = upload(client, csv_text(rows=ROWS * 20).encode())
    assert response.status_code == 413
    assert children() == 3
