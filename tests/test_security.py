"""Protection on every response (PRIVACY.md G, H): headers, CSRF, cookies, error pages, settings.

Pages are found by walking ``app.url_map``, so new pages are checked without editing this file;
a new page with a URL parameter needs one real object in the ``objects`` fixture.
"""
from __future__ import annotations

import io
import os
import re
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pyotp
import pytest
from flask import url_for
from flask_babel import force_locale
from markupsafe import escape
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.routing import IntegerConverter

from ent_lite import PROJECT_ROOT, create_app
from ent_lite.accounts import views_two_factor
from ent_lite.agenda import events as agenda_events
from ent_lite.agenda import feeds as calendar_feeds
from ent_lite.audience import keys
from ent_lite.core.auth import public
from ent_lite.core.db_types import utcnow
from ent_lite.core.errors import ERROR_TEXTS
from ent_lite.dpo import services as dpo_services
from ent_lite.extensions import db, limiter
from ent_lite.files import services as file_services
from ent_lite.files.storage import get_storage, new_key
from ent_lite.forms import services as form_services
from ent_lite.notifications import unsubscribe
from ent_lite.posts import services as post_services
from ent_lite.rights.models import DataExport

from tests import factories
from tests.accounts.conftest import link_path
from tests.activities.factories import build_activity_world, make_activity
from tests.activities.lottery_factories import lottery_walk_objects
from tests.activities.privacy_rows import enrol
from tests.agenda.calendar_rows import make_event
from tests.conftest import SECRET_KEY
from tests.conversations.helpers import start_child
from tests.files import images
from tests.forms.conftest import builder_data
from tests.posts.helpers import add_periscolaire

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


# Pages with parameters ----------------------------------------------------------------------------

ROLES = ["parent_a", "teacher_a", "director", "animator", "city_agent", "admin", "dpo"]


@pytest.fixture
def objects(app, world, client, login_as, mailbox):
    """One real object behind every URL parameter, each made through the services or the pages.

    Returns, per endpoint, the URL values to try (several files: a post photo and PDF, a message photo).
    """
    now = utcnow()
    options = post_services.PostOptions(requires_ack=True, ack_due_dt=now + timedelta(days=3))
    post = post_services.create_post(world.teacher_a, "Sortie", "Merci de **signer**.",
                                     [keys.group_key(world.class_a.id)], now, options)
    form = form_services.attach_form(post, builder_data("authorisation", [{"text": "Cake?", "kind": "yes_no"}]), now)
    lunch_site, group = add_periscolaire(world)
    lunch_post = post_services.create_post(world.animator, "Midi", "Jeux.", [keys.group_key(group.id)], now)
    thread, message = start_child(world)

    def stored(data: bytes, name: str, uploader):
        with app.test_request_context():
            return file_services.store_upload(FileStorage(io.BytesIO(data), filename=name), uploader, now)

    files = [stored(images.camera_jpeg((800, 600)), "photo.jpg", world.teacher_a),
             stored(images.PDF, "sortie.pdf", world.teacher_a),
             stored(images.small_jpeg(), "gilet.jpg", world.parent_a)]
    files[0].post_id = files[1].post_id = post.id
    files[2].message_id = message.id
    # A published activity with a photo: its public page and photo (issue 11).
    # One activity world for every activities part (its brackets and service are unique per city).
    activity_world = build_activity_world(world)
    activity = make_activity(activity_world, title="Judo")
    activity.photo_key, activity.photo_thumb_key = new_key("jpg"), new_key("webp")
    with app.test_request_context():
        get_storage().save(activity.photo_key, images.small_jpeg())
        get_storage().save(activity.photo_thumb_key, images.small_jpeg())
    rights_request = dpo_services.create_request(world.parent_a, "erasure", "Merci d'effacer nos données.", now,
                                                 child=world.child_a)
    enrol(activity, world.child_a, world.parent_a, now, note="Allergie")
    # A school event (issue 12): its page and its edit page.
    event = agenda_events.create_event(world.director, agenda_events.EventDetails("Réunion", now.date()),
                                       [keys.establishment_key(world.school.id)], now)
    # A class event and a private calendar address (issue 12), read just now: a calendar
    # app's fetch records the time at most once an hour, so the walk's reads store nothing.
    calendar_event = make_event(world.school, world.teacher_a, keys.group_key(world.class_a.id))
    feed_token = calendar_feeds.create_feed(world.parent_a, now)
    calendar_feeds.feed_of(world.parent_a).last_read_dt = now
    db.session.commit()

    # Written through the pages, as a family and a director would.
    login_as(world.parent_a)
    answered = client.post(f"/forms/{form.public_id}/answer",
                           data={"child": world.child_a.public_id, f"c_{world.child_a.public_id}-q1": "yes",
                                 f"c_{world.child_a.public_id}-q2": "yes"})
    assert answered.status_code == 302, answered.get_data(as_text=True)
    assert client.post("/privacy/my-data/export").status_code == 302
    export = db.session.scalars(select(DataExport)).one()
    assert client.post("/privacy/my-data/contact", data={
        "email": "fatou.new@example.org", "phone": "", "current_password": factories.PASSWORD}).status_code == 302
    confirm = link_path(mailbox.to("fatou.new@example.org")[0], "/account/email/confirm/").rsplit("/", 1)[1]
    login_as(world.director)
    assert client.post("/staff/invite", data={
        "first_name": "Jeanne", "last_name": "Barret", "email": "jeanne.barret@example.org", "role": "teacher",
        "establishment": world.school.public_id, "groups": [world.class_a.public_id]}).status_code == 302
    client.post("/logout")
    assert client.post("/password/forgot", data={"email": world.parent_b.email}).status_code == 302
    invitation = link_path(mailbox.to("jeanne.barret@example.org")[0], "/invite/").rsplit("/", 1)[1]
    reset = link_path(mailbox.to(world.parent_b.email)[0], "/password/reset/").rsplit("/", 1)[1]

    post_values = [{"public_id": post.public_id}, {"public_id": lunch_post.public_id}]
    activity_values = [{"public_id": activity.public_id}]
    return {
        **lottery_walk_objects(activity_world),
        "activities.register": activity_values, "activities.edit": activity_values,
        "activities.publish": activity_values,
        "posts.detail": post_values, "posts.edit": post_values, "posts.delete": post_values,
        "posts.tracking_page": post_values,
        "forms.results": [{"public_id": form.public_id}], "forms.results_csv": [{"public_id": form.public_id}],
        "conversations.thread": [{"public_id": thread.public_id}],
        "files.download": [{"public_id": f.public_id} for f in files],
        "files.thumbnail": [{"public_id": f.public_id} for f in files],
        "school.class_codes": [{"public_id": world.class_a.public_id}],
        "admin.establishment_edit": [{"public_id": world.school.public_id}],
        "periscolaire.site": [{"public_id": lunch_site.public_id}],
        "periscolaire.group": [{"public_id": group.public_id}],
        "dpo.request_page": [{"public_id": rights_request.public_id}],
        "dpo.erase": [{"public_id": rights_request.public_id}],
        "rights.download_export": [{"public_id": export.public_id}],
        "agenda.event": [{"public_id": event.public_id}], "agenda.event_edit": [{"public_id": event.public_id}],
        "activities.follow_up": [{"public_id": activity.public_id}],
        "activities.roster": [{"public_id": activity.public_id, "session_id": activity.sessions[0].public_id}],
        "activities.roster_csv": [{"public_id": activity.public_id}],
        "static": [{"filename": "css/app.css"}],
        "agenda.event_ics": [{"public_id": calendar_event.public_id}],
        "agenda.private_feed": [{"token": feed_token}],
        "activities.show": [{"public_id": activity.public_id}],
        "activities.photo": [{"public_id": activity.public_id}, {"public_id": activity.public_id, "size": "thumb"}],
        # Last, in case opening a link from an email ended the session it is opened in.
        "accounts.accept_invitation": [{"token": invitation}],
        "accounts.reset_password": [{"token": reset}],
        "accounts.confirm_email": [{"token": confirm}],
        # The one-click unsubscribe link of a notification mail: opening it must change nothing.
        "notifications.unsubscribe": [{"token": unsubscribe.token(world.parent_a)}],
    }


def every_get_url(app, objects) -> list[tuple[str, str]]:
    """(endpoint, URL) of every GET rule: as is without parameters, else once per real object."""
    rules = [rule for rule in app.url_map.iter_rules() if "GET" in rule.methods]
    with_arguments = {rule.endpoint for rule in rules if rule.arguments}
    assert with_arguments == set(objects), "give a real object to the new pages' parameters"
    plain = [(rule.endpoint, rule.rule) for rule in sorted(rules, key=lambda r: r.rule) if not rule.arguments]
    urls = []
    with app.test_request_context():
        for endpoint, values in objects.items():
            urls += [(endpoint, url_for(endpoint, **value)) for value in values]
    return plain + urls


class Resources(HTMLParser):
    """URLs the browser loads or sends to by itself: scripts, styles, images, frames, forms."""

    ATTRIBUTES = {"script": ("src",), "link": ("href",), "img": ("src", "srcset"), "iframe": ("src",),
                  "frame": ("src",), "form": ("action",), "source": ("src", "srcset"), "video": ("src", "poster"),
                  "audio": ("src",), "embed": ("src",), "object": ("data",), "input": ("src", "formaction"),
                  "button": ("formaction",)}

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in self.ATTRIBUTES.get(tag, ()) and value:
                candidates = [c.split()[0] for c in value.split(",") if c.strip()] if name == "srcset" else [value]
                self.urls += candidates


def other_hosts(html: str) -> list[str]:
    """The resources of the page that a browser would fetch from, or send to, another host."""
    parser = Resources()
    parser.feed(html)
    page = "https://ent.example/page"
    resolved = [(url, urlsplit(urljoin(page, url.strip().replace("\\", "/")))) for url in parser.urls]
    # ``data:`` URLs (the empty favicon) are inside the page: no request at all.
    return [url for url, parts in resolved if parts.scheme != "data" and parts.netloc != "ent.example"]


def test_the_resource_check_sees_another_host():
    assert other_hosts('<script src="https://cdn.example/x.js"></script>'
                       '<img srcset="/a.png 1x, //cdn.example/b.png 2x">'
                       '<form action="https://evil.example/"></form><a href="https://example.org/">ok</a>'
                       '<link rel="stylesheet" href="/static/css/app.css"><link rel="icon" href="data:,">'
                       '<img src="../files/x/thumb">') == [
        "https://cdn.example/x.js", "//cdn.example/b.png", "https://evil.example/"]


@pytest.mark.parametrize("role", [None] + ROLES)
def test_pages_with_parameters_set_only_the_session_cookie_and_load_nothing_from_elsewhere(
        app, client, world, login_as, objects, role):
    if role is not None:
        login_as(getattr(world, role))
    cookies, reached = set(), set()
    for endpoint, url in every_get_url(app, objects):
        response = client.get(url)
        cookies |= {header.split("=", 1)[0] for header in response.headers.getlist("Set-Cookie")}
        if response.status_code == 200:
            reached.add(endpoint)
        if response.mimetype == "text/html":
            assert other_hosts(response.get_data(as_text=True)) == [], url
    assert cookies <= {app.config["SESSION_COOKIE_NAME"]}, role
    assert role is None or client.get("/account").status_code == 200, "the walk ended signed out"
    # The objects' own pages were shown, not only refused, to those who may see them.
    assert reached >= REACHED_WITH_PARAMETERS[role], role


REACHED_WITH_PARAMETERS = {
    None: {"static", "accounts.accept_invitation", "accounts.reset_password", "accounts.confirm_email",
           "activities.show", "activities.photo", "activities.campaign", "activities.campaign_json",
           "agenda.private_feed"},
    "parent_a": {"posts.detail", "conversations.thread", "files.download", "files.thumbnail",
                 "rights.download_export", "activities.register", "activities.campaign_request",
                 "agenda.event_ics"},
    "teacher_a": {"posts.detail", "posts.edit", "posts.delete", "posts.tracking_page", "forms.results",
                  "forms.results_csv", "conversations.thread", "files.download", "files.thumbnail"},
    "director": {"posts.detail", "posts.tracking_page", "forms.results", "forms.results_csv",
                 "school.class_codes", "conversations.thread", "files.download"},
    "animator": {"posts.detail", "posts.edit"},
    "city_agent": {"static", "activities.edit", "activities.publish", "activities.campaign_edit",
                   "activities.follow_up", "activities.roster", "activities.roster_csv"},
    "admin": {"static"},
    "dpo": {"dpo.request_page", "dpo.erase"},
}


# No GET changes what is stored (PRIVACY.md 28), except these marks and the audit log.
GET_MAY_ADD_ROWS = {
    "post_read": "opening a post is its read receipt, shown to the author (idempotent: one row per reader)",
    "thread_read": "opening a conversation is its read mark, for the unread count (one row per reader)",
    "audit_entry": "viewing a child's data, class codes or an export download is itself audited",
    "vapid_key": "the instance's push key is made once, the first time a page offers push (one row ever)",
}


def table_rows() -> dict[str, list[tuple]]:
    """Every row of every table, so that a changed value counts as much as an added row."""
    db.session.expire_all()
    return {table.name: sorted(map(tuple, db.session.execute(select(table)).all()), key=repr)
            for table in db.metadata.sorted_tables}


@pytest.mark.parametrize("role", [None] + ROLES)
def test_no_get_request_changes_what_is_stored(app, client, world, login_as, objects, role):
    assert set(GET_MAY_ADD_ROWS) <= set(db.metadata.tables)
    if role is not None:
        login_as(getattr(world, role))
    before = table_rows()
    for endpoint, url in every_get_url(app, objects):
        client.get(url)
        after = table_rows()
        changed = {name for name in before if after[name] != before[name] and name not in GET_MAY_ADD_ROWS}
        assert not changed, f"GET {url} ({endpoint}) as {role} changed the rows of {sorted(changed)}"
    assert all(set(after[name]) >= set(before[name]) for name in GET_MAY_ADD_ROWS), "a mark or entry was removed"
    assert role is None or client.get("/account").status_code == 200, "the walk ended signed out"


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
        {"ENT_LITE_ENV": "production", "SECRET_KEY": SECRET_KEY, "SQLALCHEMY_DATABASE_URI": "sqlite://",
         "SINGLE_PROCESS": True}
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


# Redirects ---------------------------------------------------------------------------------------

# ``next`` values a browser would follow to another host (the tab is dropped by browsers and URL parsers).
OUTSIDE_TARGETS = ["https://evil.example/", "//evil.example", "/\\evil.example", "\\\\evil.example",
                   "/\t/evil.example", "https:evil.example", "javascript:alert(1)"]


def assert_stays_on_the_site(response, target: str) -> None:
    assert response.status_code == 302, target
    location = response.headers["Location"]
    # Resolved as a browser does against the page's address.
    resolved = urlsplit(urljoin("https://ent.example/language", location.replace("\\", "/")))
    assert (resolved.scheme, resolved.netloc) == ("https", "ent.example"), f"{target!r} -> {location!r}"
    assert location.startswith("/") and not location.startswith("//"), f"{target!r} -> {location!r}"


@pytest.mark.parametrize("target", OUTSIDE_TARGETS)
def test_the_language_switch_sends_back_only_to_this_site(client, world, login_as, target):
    assert_stays_on_the_site(client.post("/language", data={"lang": "en", "next": target}), target)
    login_as(world.parent_a)
    assert_stays_on_the_site(client.post("/language", data={"lang": "fr", "next": target}), target)


def test_the_language_switch_keeps_a_page_of_this_site(client):
    response = client.post("/language", data={"lang": "en", "next": "/password/forgot?x=1"})
    assert response.headers["Location"] == "/password/forgot?x=1"


@pytest.mark.parametrize("target", OUTSIDE_TARGETS)
def test_the_login_form_sends_on_only_to_this_site(client, world, target):
    data = {"email": world.parent_a.email, "password": factories.PASSWORD}
    assert_stays_on_the_site(client.post("/login", query_string={"next": target}, data=data), target)
    # Already signed in, the login page sends straight on.
    assert_stays_on_the_site(client.get("/login", query_string={"next": target}), target)


@pytest.mark.parametrize("target", OUTSIDE_TARGETS)
def test_the_second_factor_sends_on_only_to_this_site(client, world, db, monkeypatch, target):
    now = datetime(2026, 3, 2, 10, 0, 0, tzinfo=timezone.utc)
    monkeypatch.setattr(views_two_factor, "utcnow", lambda: now)
    world.admin.totp_secret = pyotp.random_base32()
    db.session.commit()
    client.post("/login", data={"email": world.admin.email, "password": factories.PASSWORD})
    code = pyotp.TOTP(world.admin.totp_secret).generate_otp(int(now.timestamp()) // 30)

    response = client.post("/login/two-factor", query_string={"next": target}, data={"code": code})
    assert_stays_on_the_site(response, target)
    assert client.get("/admin/").status_code == 200  # the code was accepted
    # Once passed, the page sends straight on.
    assert_stays_on_the_site(client.get("/login/two-factor", query_string={"next": target}), target)


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
    # One process: these apps are tried in-process, so per-process rate-limit counters are allowed.
    monkeypatch.setenv("ENT_LITE_SINGLE_PROCESS", "true")
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
