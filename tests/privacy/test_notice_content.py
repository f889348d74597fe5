"""GDPR articles 13, 14 and 30: the notice and the register of processing name the DPO's contact,
the right to restriction, the source of the data (the school roster) and the hosting processor
with its location."""
from __future__ import annotations

import csv
import io
import json

import pytest

from ent_lite.privacy import notice
from ent_lite.privacy import services as privacy_services

SETTINGS = {"DPO_CONTACT": "dpo@testville.example", "HOSTING_PROVIDER": "Hébergeur Exemple SAS",
            "HOSTING_LOCATION": "France (Roubaix)"}


@pytest.fixture
def configured(app, monkeypatch):
    for name, value in SETTINGS.items():
        monkeypatch.setitem(app.config, name, value)


def _page(client, lang: str, path: str = "/privacy") -> str:
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = lang
    return client.get(path).get_data(as_text=True)


def test_the_notice_names_the_dpo_the_restriction_right_the_source_and_the_host(client, db, configured):
    english = _page(client, "en")
    assert "Contact of the data protection officer: dpo@testville.example" in english
    assert "ask that its use be restricted" in english
    assert "come from the pupil roster the schools pass to the city (GDPR article 14)" in english
    assert "hosted by Hébergeur Exemple SAS, the processor of the city, in France (Roubaix)." in english

    french = _page(client, "fr")
    assert "dpo@testville.example" in french and "Hébergeur Exemple SAS" in french
    assert "limitée" in french  # the right to restriction
    assert "liste des élèves que les écoles transmettent à la ville (RGPD article 14)" in french


def test_without_the_settings_the_notice_sends_people_to_the_town_hall(client, db, app, monkeypatch):
    for name in SETTINGS:
        monkeypatch.setitem(app.config, name, None)
    english = _page(client, "en")
    assert "To reach the data protection officer, ask the town hall." in english
    assert "the town hall can tell you which one and where" in english


def test_the_notice_says_the_durations_in_force(world, client, db):
    assert "News and photos are removed 90 days after the end of the school year" in _page(client, "en")
    privacy_services.save_periods({"class_content": 30, "accounts": 60}, world.admin, world.admin.created_dt)
    db.session.commit()
    page = _page(client, "en")
    assert "News and photos are removed 30 days after the end of the school year" in page
    assert "deleted 60 days after departure" in page


def test_a_new_dpo_contact_is_a_new_notice_version(app, db, monkeypatch):
    before = notice.current_notice_version("fr")
    monkeypatch.setitem(app.config, "DPO_CONTACT", "rgpd@testville.example")
    assert notice.current_notice_version("fr") != before


def _facts_of(row: dict) -> tuple:
    return (row["Data protection officer"], row["Source of the data"], row["Rights of the data subjects"],
            row["Processor (hosting)"], row["Hosting location"])


def test_the_register_page_and_downloads_carry_them(world, login_as, english, configured):
    login_as(world.dpo, target=english)
    page = english.get("/privacy/register").get_data(as_text=True)
    for expected in ("dpo@testville.example", "pupil roster the schools pass to the city (GDPR article 14)",
                     "restriction of processing", "Hébergeur Exemple SAS", "France (Roubaix)"):
        assert expected in page

    rows = json.loads(english.get("/privacy/register.json").data)
    body = english.get("/privacy/register.csv").data.decode("utf-8-sig")
    csv_rows = list(csv.DictReader(io.StringIO(body), delimiter=";"))
    for row in (*rows, *csv_rows):
        dpo, source, rights, provider, location = _facts_of(row)
        assert dpo == "dpo@testville.example" and "(GDPR article 14)" in source
        assert "restriction of processing" in rights
        assert (provider, location) == ("Hébergeur Exemple SAS", "France (Roubaix)")


def test_the_register_shows_the_dpo_which_setting_is_missing(world, login_as, english, app, monkeypatch):
    monkeypatch.setitem(app.config, "DPO_CONTACT", None)
    login_as(world.dpo, target=english)
    assert "not configured (setting ENT_LITE_DPO_CONTACT)" in english.get("/privacy/register").get_data(as_text=True)
    rows = json.loads(english.get("/privacy/register.json").data)
    assert rows[0]["Data protection officer"] == "not configured (setting ENT_LITE_DPO_CONTACT)"
