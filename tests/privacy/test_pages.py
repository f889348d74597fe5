"""The public notice, the DPO's register of processing and the admin's retention page."""
from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import select

from ent_lite.audit.models import AuditEntry
from ent_lite.extensions import db
from ent_lite.privacy import notice, register, retention
from ent_lite.privacy.models import RetentionOverride


def _french(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fr"
    return client


# --- public notice ---------------------------------------------------------------------------

def test_anyone_reads_the_notice_generated_from_the_register_in_english(english, db):
    page = english.get("/privacy")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for purpose in register.purposes():
        assert purpose.name.en in html
    assert "Consent of the legal guardians" in html
    assert "Deleted 90 days after the end of the school year" in html
    assert notice.current_notice_version("en") in html


def test_the_notice_reads_in_french(client, db):
    html = _french(client).get("/privacy").get_data(as_text=True)
    assert "Publication de photos des enfants" in html
    assert "Mission d'intérêt public" in html or "Mission d&#39;intérêt public" in html
    assert "Publication of photos of children" not in html


def test_changing_the_register_asks_guardians_to_read_the_notice_again(world, login_as, client, monkeypatch):
    login_as(world.parent_a)
    assert client.get("/news").status_code == 200
    before = notice.current_notice_version()

    original = register.register_text()
    monkeypatch.setattr(register, "register_text",
                        lambda: original.replace(b"savoir qui les a lus", b"savoir qui les a ouverts"))
    notice.clear_cache()
    register.load.cache_clear()
    try:
        assert notice.current_notice_version() != before
        response = client.get("/news")
        assert response.status_code == 302 and response.headers["Location"] == "/welcome/privacy"
        assert "savoir qui les a ouverts" in _french(client).get("/welcome/privacy").get_data(as_text=True)
    finally:
        monkeypatch.undo()
        notice.clear_cache()
        register.load.cache_clear()
    assert notice.current_notice_version() == before


def test_changing_a_retention_period_asks_guardians_to_read_the_notice_again(world, login_as, client):
    guardian = login_as(world.parent_a, target=client)
    assert guardian.get("/news").status_code == 200
    admin = login_as(world.admin, target=client.application.test_client())
    admin.post("/privacy/retention", data=_form(conversations=60))

    response = guardian.get("/news")
    assert response.status_code == 302 and response.headers["Location"] == "/welcome/privacy"
    _english(guardian)
    page = guardian.get("/welcome/privacy").get_data(as_text=True)
    assert "The privacy notice has changed since your last visit." in page
    assert "Deleted 60 days after the end of the school year of their last message" in page
    guardian.post("/welcome/privacy")
    assert guardian.get("/news").status_code == 200


def test_saving_unchanged_periods_does_not_ask_again(world, login_as, client):
    admin = login_as(world.admin, target=client.application.test_client())
    admin.post("/privacy/retention", data=_form())
    db.session.expire_all()
    assert world.parent_a.privacy_notice_version == notice.current_notice_version()


# --- register of processing (DPO) ------------------------------------------------------------------

NOT_DPO = ["guardian", "teacher", "director", "animator", "city_agent", "admin"]
ROLE_USER = {"guardian": "parent_a", "teacher": "teacher_a", "director": "director", "animator": "animator",
             "city_agent": "city_agent", "admin": "admin", "dpo": "dpo"}


@pytest.mark.parametrize("role", NOT_DPO)
@pytest.mark.parametrize("path", ["/privacy/register", "/privacy/register.csv", "/privacy/register.json"])
def test_the_register_of_processing_is_hidden_from_everyone_but_the_dpo(world, login_as, role, path):
    client = login_as(getattr(world, ROLE_USER[role]))
    assert client.get(path).status_code == 404


def test_anonymous_visitors_are_sent_to_login(client, db):
    response = client.get("/privacy/register")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_dpo_reads_the_register_of_processing(world, login_as, english):
    login_as(world.dpo, target=english)
    html = english.get("/privacy/register").get_data(as_text=True)
    assert "Controller: Testville." in html
    for purpose in register.purposes():
        assert purpose.name.en in html
    assert "Legal obligation (GDPR article 6(1)(c))" in html
    assert "Hashed passwords (argon2id)" in html
    assert "Deleted after 365 days" in html
    assert "Legal guardians" in html and "Hosting provider" in html


def test_the_csv_download_is_utf8_with_bom_semicolons_and_headers_in_the_interface_language(world, login_as, client):
    login_as(world.dpo)
    _french(client)
    response = client.get("/privacy/register.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.data
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    expected = sum(len(p.data_categories) for p in register.purposes())
    assert len(rows) == expected + 1
    purposes = {row[1] for row in rows[1:]}
    assert "Publication de photos des enfants" in purposes
    assert all(row[0].startswith("Testville") for row in rows[1:])

    english_rows = list(csv.reader(io.StringIO(_english(client).get("/privacy/register.csv").data.decode("utf-8-sig")),
                                   delimiter=";"))
    assert english_rows[0][:3] == ["Controller", "Purpose", "Description"]


def _english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_the_json_download_lists_every_purpose_and_category(world, login_as, english):
    login_as(world.dpo, target=english)
    data = json.loads(english.get("/privacy/register.json").data)
    pairs = {(row["Purpose"], row["Data category"]) for row in data}
    assert ("Audit and security logging", "Audit and security log") in pairs
    assert len(data) == sum(len(p.data_categories) for p in register.purposes())
    assert all(row["Retention"] for row in data)


# --- retention overrides (admin) -------------------------------------------------------------------

@pytest.mark.parametrize("role", ["guardian", "teacher", "director", "animator", "city_agent", "dpo"])
def test_only_the_admin_reaches_the_retention_page(world, login_as, role):
    client = login_as(getattr(world, ROLE_USER[role]))
    assert client.get("/privacy/retention").status_code == 404
    assert client.post("/privacy/retention", data={"class_content": "30"}).status_code == 404
    assert db.session.scalars(select(RetentionOverride)).all() == []


def _form(**changes) -> dict:
    data = {key: str(days) for key, days in retention.all_days().items()}
    data.update({key: str(value) for key, value in changes.items()})
    return data


def test_the_admin_shortens_a_period_and_it_is_audited(world, login_as, english):
    login_as(world.admin, target=english)
    page = english.get("/privacy/retention")
    assert page.status_code == 200 and "between 0 and 365 days" in page.get_data(as_text=True)

    response = english.post("/privacy/retention", data=_form(class_content=30), follow_redirects=True)

    assert "The retention periods are saved." in response.get_data(as_text=True)
    assert retention.effective_days("class_content") == 30
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "retention.change")).one()
    assert json.loads(entry.details) == {"category": "class_content", "days": 30}
    # The public notice now says so.
    assert "deleted 30 days after the end of the school year" in english.get("/privacy").get_data(as_text=True)


@pytest.mark.parametrize("value", ["366", "-1", "abc"])
def test_a_period_out_of_bounds_is_refused_with_a_message(world, login_as, english, value):
    login_as(world.admin, target=english)
    response = english.post("/privacy/retention", data=_form(class_content=value))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Choose between 0 and 365 days." in html or "Give a number of days." in html
    assert retention.effective_days("class_content") == 90
    assert db.session.scalars(select(RetentionOverride)).all() == []
