"""Production refuses weak settings; cookies are locked down (PRIVACY.md 24); login attempts
are counted in one place for every app process."""
from __future__ import annotations

from datetime import timedelta

import pytest

from ent_lite import create_app

KEY = "k" * 48


@pytest.fixture
def production_env(monkeypatch, tmp_path):
    monkeypatch.setenv("ENT_LITE_INSTANCE_PATH", str(tmp_path))
    for name in ("ENT_LITE_SECRET_KEY", "ENT_LITE_SECURE_COOKIES", "ENT_LITE_ENV", "ENT_LITE_RATELIMIT_STORAGE_URI"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ENT_LITE_DATABASE_URL", f"sqlite:///{tmp_path}/prod.sqlite3")
    monkeypatch.setenv("ENT_LITE_SINGLE_PROCESS", "true")


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


def test_production_refuses_per_process_login_counters_unless_one_process_serves_it(production_env, monkeypatch):
    monkeypatch.setenv("ENT_LITE_SECRET_KEY", KEY)
    monkeypatch.delenv("ENT_LITE_SINGLE_PROCESS")
    for storage in (None, "memory://"):
        if storage:
            monkeypatch.setenv("ENT_LITE_RATELIMIT_STORAGE_URI", storage)
        with pytest.raises(RuntimeError, match="ENT_LITE_RATELIMIT_STORAGE_URI"):
            create_app({"ENT_LITE_ENV": "production"})

    monkeypatch.setenv("ENT_LITE_SINGLE_PROCESS", "true")
    assert create_app({"ENT_LITE_ENV": "production"}).config["RATELIMIT_STORAGE_URI"] == "memory://"


def test_production_starts_with_counters_in_redis(production_env, monkeypatch):
    monkeypatch.setenv("ENT_LITE_SECRET_KEY", KEY)
    monkeypatch.delenv("ENT_LITE_SINGLE_PROCESS")
    monkeypatch.setenv("ENT_LITE_RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")
    app = create_app({"ENT_LITE_ENV": "production"})
    # Nothing connects before the first limited request: the storage is only named here.
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"


def test_other_environments_keep_per_process_counters(production_env, monkeypatch):
    monkeypatch.delenv("ENT_LITE_SINGLE_PROCESS")
    assert create_app({"ENT_LITE_ENV": "development"}).config["RATELIMIT_STORAGE_URI"] == "memory://"
