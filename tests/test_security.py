"""Protection on every response (PRIVACY.md G, H): headers, CSRF, cookies, error pages, settings.

Pages are found by walking ``app.url_map``, so new pages are checked without editing this file.
"""
from __future__ import annotations

import os
import re

import pytest
from flask_babel import force_locale
from markupsafe import escape
from werkzeug.routing import IntegerConverter

from ent_lite import PROJECT_ROOT, create_app
from ent_lite.core.auth import public
from ent_lite.core.errors import ERROR_TEXTS
from ent_lite.extensions import limiter

from tests.conftest import SECRET_KEY

REQUIRED_CSP = {
    "default-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
}
SAFE_REFERRER_POLICIES = {"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"}
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}


def csp_directives(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    directives = {}
    for part in filter(None, (p.strip() for p in header.split(";"))):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_protective_headers(response, url: str) -> None:
    directives = csp_directives(response)
    for name, value in REQUIRED_CSP.items():
        assert directives.get(name) == [value], f"{url}: CSP {name} is {directives.get(name)}"
    sources = [value for values in directives.values() for value in values]
    assert "'unsafe-inline'" not in sources and "'unsafe-eval'" not in sources, url
    assert response.headers.get("X-Content-Type-Options") == "nosniff", url
    assert response.headers.get("Referrer-Policy") in SAFE_REFERRER_POLICIES, url


def simple_get_urls(app) -> list[str]:
    """Every page reachable by GET without a URL parameter."""
    return sorted(rule.rule for rule in app.url_map.iter_rules()
                  if "GET" in rule.methods and not rule.arguments)


def example_url(rule) -> str:
    """The rule with placeholder values: enough to reach the checks that run before the view."""
    values = {name: 1 if isinstance(rule._converters.get(name), IntegerConverter) else "x" * 22
              for name in rule.arguments}
    return rule.build(values)[1]


def translated(app, text, language: str) -> str:
    with app.test_request_context(), force_locale(language):
        return str(escape(str(text)))


def assert_error_page(app, response, status: int, language: str) -> None:
    assert response.status_code == status
    assert response.mimetype == "text/html"
    body = response.get_data(as_text=True)
    title, text = ERROR_TEXTS[status]
    assert f'<html lang="{language}"' in body
    assert translated(app, title, language) in body and translated(app, text, language) in body
    if language != "en":
        assert translated(app, title, language) != translated(app, title, "en"), "error page not translated"
    assert "Traceback" not in body and 'File "' not in body
    assert_protective_headers(response, response.request.path)


# Headers ---------------------------------------------------------------------------------------

def test_every_anonymous_page_has_the_protective_headers(app, client):
    urls = simple_get_urls(app) + ["/no-such-page"]
    for url in urls:
        response = client.get(url)
        if response.mimetype == "text/html":
            assert_protective_headers(response, url)
    assert_protective_headers(client.get("/login"), "/login")


@pytest.mark.parametrize("role", ["parent_a", "teacher_a", "director", "animator", "city_agent", "admin", "dpo"])
def test_every_signed_in_page_has_the_headers_is_never_cached_and_sets_no_other_cookie(
        app, client, world, login_as, role):
    login_as(getattr(world, role))
    checked, cookies = 0, set()
    for url in simple_get_urls(app):
        response = client.get(url)
        cookies |= {header.split("=", 1)[0] for header in response.headers.getlist("Set-Cookie")}
        if response.mimetype != "text/html":
            continue
        assert_protective_headers(response, url)
        assert "no-store" in response.headers.get("Cache-Control", ""), url
        checked += response.status_code == 200
    assert checked > 0
    assert cookies <= {app.config["SESSION_COOKIE_NAME"]}


def test_hsts_is_sent_in_production_only(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers

    production = create_app(
        {"ENT_LITE_ENV": "production", "SECRET_KEY": SECRET_KEY, "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    )
    hsts = production.test_client().get("/health").headers.get("Strict-Transport-Security", "")
    assert hsts.startswith("max-age=") and int(hsts.split(";")[0].split("=")[1]) >= 180 * 24 * 3600


# CSRF and cookies ------------------------------------------------------------------------------

def test_a_form_posted_without_its_csrf_token_is_refused_with_a_translated_page(app, client):
    response = client.post("/language", data={"lang": "en"}, csrf=False)

    assert_error_page(app, response, 400, "fr")
    # The language did not change: the request was refused before the view.
    assert '<html lang="fr"' in client.get("/login").get_data(as_text=True)


def test_a_wrong_csrf_token_is_refused(client):
    response = client.post("/language", data={"lang": "en", "csrf_token": "forged"}, csrf=False)
    assert response.status_code == 400


def test_every_state_changing_endpoint_requires_the_csrf_token(app, client, world, login_as):
    login_as(world.admin)
    rules = [rule for rule in app.url_map.iter_rules() if rule.methods & STATE_CHANGING]
    assert rules
    for rule in rules:
        url, method = example_url(rule), sorted(rule.methods & STATE_CHANGING)[0]
        response = client.open(url, method=method, data={}, csrf=False)
        assert response.status_code == 400, f"{rule.endpoint}: {method} {url} accepted without CSRF token"


def test_anonymous_pages_set_only_the_session_cookie(app, client):
    names = set()
    responses = [client.get(url) for url in simple_get_urls(app) + ["/no-such-page"]]
    responses.append(client.post("/language", data={"lang": "en", "next": "/login"}))
    for response in responses:
        names |= {header.split("=", 1)[0] for header in response.headers.getlist("Set-Cookie")}
    assert names == {app.config["SESSION_COOKIE_NAME"]}


# Error pages -----------------------------------------------------------------------------------

@pytest.mark.parametrize("language,headers", [("fr", {}), ("en", {"Accept-Language": "en"})])
def test_404_and_405_pages_are_translated(app, client, language, headers):
    assert_error_page(app, client.get("/no-such-page", headers=headers), 404, language)
    assert_error_page(app, client.get("/language", headers=headers), 405, language)


@pytest.mark.parametrize("language,headers", [("fr", {}), ("en", {"Accept-Language": "en"})])
def test_a_body_over_the_limit_gets_a_translated_413(app, client, monkeypatch, language, headers):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 4096)

    response = client.post("/language", data={"lang": "en", "filler": "x" * 8192}, headers=headers)

    assert_error_page(app, response, 413, language)


@pytest.fixture
def probe_app():
    """An app of its own with routes that fail on purpose (the shared app stays untouched)."""
    application = create_app(
        {"ENT_LITE_ENV": "test", "SECRET_KEY": SECRET_KEY, "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    )

    @public
    def boom():
        raise RuntimeError("secret detail that must not leak")

    @public
    @limiter.limit("1 per minute")
    def limited():
        return "ok"

    application.add_url_rule("/boom", view_func=boom)
    application.add_url_rule("/limited", view_func=limited)
    yield application
    limiter.reset()


@pytest.mark.parametrize("language,headers", [("fr", {}), ("en", {"Accept-Language": "en"})])
def test_an_unexpected_error_gets_a_translated_500_without_traceback(probe_app, language, headers):
    response = probe_app.test_client().get("/boom", headers=headers)

    assert_error_page(probe_app, response, 500, language)
    body = response.get_data(as_text=True)
    assert "secret detail" not in body and "RuntimeError" not in body


@pytest.mark.parametrize("language,headers", [("fr", {}), ("en", {"Accept-Language": "en"})])
def test_too_many_requests_get_a_translated_429(probe_app, language, headers):
    client = probe_app.test_client()
    assert client.get("/limited", headers=headers).status_code == 200

    assert_error_page(probe_app, client.get("/limited", headers=headers), 429, language)


# Settings --------------------------------------------------------------------------------------

@pytest.fixture
def clean_environment(monkeypatch, tmp_path):
    for name in [n for n in os.environ if n.startswith("ENT_LITE_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("ENT_LITE_INSTANCE_PATH", str(tmp_path))
    return tmp_path


@pytest.mark.parametrize("key", [None, "", "too-short"])
def test_production_refuses_to_start_without_a_real_secret_key(clean_environment, key):
    config = {"SQLALCHEMY_DATABASE_URI": "sqlite://"}
    if key is not None:
        config["SECRET_KEY"] = key
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(config)  # production is the default environment
    assert not (clean_environment / "secret_key").exists()


def test_the_demo_generates_a_secret_key_once_and_keeps_it_private(clean_environment):
    first = create_app({"ENT_LITE_ENV": "demo", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    second = create_app({"ENT_LITE_ENV": "demo", "SQLALCHEMY_DATABASE_URI": "sqlite://"})

    key_file = clean_environment / "secret_key"
    assert len(first.secret_key) >= 32 and first.secret_key == second.secret_key == key_file.read_text().strip()
    assert key_file.stat().st_mode & 0o077 == 0


def test_an_unknown_environment_is_refused(clean_environment, monkeypatch):
    monkeypatch.setenv("ENT_LITE_ENV", "prod")
    with pytest.raises(RuntimeError, match="ENT_LITE_ENV"):
        create_app({"SECRET_KEY": SECRET_KEY})


def test_production_cookies_are_secure_httponly_and_samesite(clean_environment):
    production = create_app({"SECRET_KEY": SECRET_KEY, "SQLALCHEMY_DATABASE_URI": "sqlite://"})

    assert not production.debug
    assert production.config["REMEMBER_COOKIE_DURATION"].days <= 30
    for prefix in ("SESSION_COOKIE", "REMEMBER_COOKIE"):
        assert production.config[f"{prefix}_SECURE"] is True
        assert production.config[f"{prefix}_HTTPONLY"] is True
        assert production.config[f"{prefix}_SAMESITE"] == "Lax"
    cookie = production.test_client().get("/login").headers["Set-Cookie"]
    assert all(flag in cookie for flag in ("Secure", "HttpOnly", "SameSite=Lax"))


def test_request_bodies_are_limited_by_default(clean_environment):
    production = create_app({"SECRET_KEY": SECRET_KEY, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert 0 < production.config["MAX_CONTENT_LENGTH"] <= 50 * 1024 * 1024


def test_every_setting_read_from_the_environment_is_documented_in_the_readme():
    names = set()
    for path in (PROJECT_ROOT / "ent_lite").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        names |= {f"ENT_LITE_{name}" for name in re.findall(r"_env(?:_int|_bool)?\(\"([A-Z_]+)\"", text)}
        names |= set(re.findall(r"environ(?:\.get)?[(\[]\"(ENT_LITE_[A-Z_]+)\"", text))
    assert "ENT_LITE_SECRET_KEY" in names and "ENT_LITE_INSTANCE_PATH" in names
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert sorted(name for name in names if f"`{name}`" not in readme) == []


def test_nul_characters_are_refused_with_400_not_a_server_error(client, world, login_as):
    assert client.post("/login", data={"email": "a\x00@b.fr", "password": "x"}).status_code == 400
    login_as(world.parent_a)
    assert client.get("/news/abc%00def").status_code == 400
    assert client.get("/news?page=%00").status_code == 400


def test_public_pages_are_not_kept_in_a_shared_phone_cache(client):
    assert client.get("/activate").headers["Cache-Control"] == "no-store"
    assert client.get("/login").headers["Cache-Control"] == "no-store"
