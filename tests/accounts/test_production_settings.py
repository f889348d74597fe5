"""Production refuses weak settings; cookies are locked down (PRIVACY.md 24)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from ent_lite import create_app

KEY = "k" * 48


@pytest.fixture
def production_env(monkeypatch, tmp_path):
    monkeypatch.setenv("ENT_LITE_INSTANCE_PATH", str(tmp_path))
    for name in ("ENT_LITE_SECRET_KEY", "ENT_LITE_SECURE_COOKIES", "ENT_LITE_ENV"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ENT_LITE_DATABASE_URL", f"sqlite:///{tmp_path}/prod.sqlite3")


def test_production_refuses_to_start_without_a_secret_key(production_env):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"ENT_LITE_ENV": "production"})


def test_production_refuses_a_short_secret_key(production_env, monkeypatch):
    monkeypatch.setenv("ENT_LITE_SECRET_KEY", "short")
    with pytest.raises(RuntimeError):
        create_app({"ENT_LITE_ENV": "production"})


def test_production_cookies_are_secure(production_env, monkeypatch):
    monkeypatch.setenv("ENT_LITE_SECRET_KEY", KEY)
    config = create_app({"ENT_LITE_ENV": "production"}).config
    for prefix in ("SESSION_COOKIE_", "REMEMBER_COOKIE_"):
        assert config[prefix + "SECURE"] is True
        assert config[prefix + "HTTPONLY"] is True
        assert config[prefix + "SAMESITE"] == "Lax"
    assert config["REMEMBER_COOKIE_DURATION"] <= timedelta(days=30)
    assert config["STAFF_IDLE_MINUTES"] == 30
    assert config["STAFF_ABSOLUTE_HOURS"] == 12


def test_production_session_cookie_flags_on_the_wire(production_env, monkeypatch):
    monkeypatch.setenv("ENT_LITE_SECRET_KEY", KEY)
    app = create_app({"ENT_LITE_ENV": "production"})
    # The login form stores its CSRF secret in the session, so the cookie is set.
    response = app.test_client().get("/login", base_url="https://ent.example")
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("ent_lite_session="))
    assert "Secure" in header and "HttpOnly" in header and "SameSite=Lax" in header
