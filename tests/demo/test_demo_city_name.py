"""The demo city has a real-looking name, and the header families see says the same name."""
from __future__ import annotations

from sqlalchemy import select

from ent_lite.config import from_environment
from ent_lite.demo.data import DEMO_CITY_NAME
from ent_lite.school.models import City


def test_the_demo_configuration_names_the_demo_city(monkeypatch, tmp_path):
    monkeypatch.delenv("ENT_LITE_CITY_NAME", raising=False)
    assert from_environment(str(tmp_path), "demo")["CITY_NAME"] == DEMO_CITY_NAME == "Valbrune"
    monkeypatch.setenv("ENT_LITE_CITY_NAME", "Montclair")
    assert from_environment(str(tmp_path), "demo")["CITY_NAME"] == "Montclair"


def test_the_seeded_city_and_the_header_agree(app, db, runner, client, monkeypatch):
    monkeypatch.delenv("ENT_LITE_CITY_NAME", raising=False)
    monkeypatch.setitem(app.config, "CITY_NAME", from_environment(app.instance_path, "demo")["CITY_NAME"])
    result = runner.invoke(args=["ent-lite", "seed-demo"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(City.name)) == "Valbrune"
    page = client.get("/login", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "ENT de Valbrune" in page
    assert "Ville de Démo" not in page and "ent_lite" not in page.split("<body", 1)[1]
