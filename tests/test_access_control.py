"""Deny by default (PRIVACY.md 26): every endpoint is behind the login wall unless allowlisted.

The test walks ``app.url_map``, so an endpoint added tomorrow is checked without anyone
remembering to add a test. Making a page public is a conscious choice: it must be marked
``@public`` AND listed here.
"""
from __future__ import annotations

import uuid
from urllib.parse import urlsplit

from werkzeug.routing import AnyConverter, IntegerConverter, UUIDConverter

from ent_lite.core.auth import ALWAYS_PUBLIC
from ent_lite.core.db_types import new_public_id

PUBLIC_ALLOWLIST = {
    "static",
    "core.home",  # redirects to the login page or to the user's home
    "core.health",
    "accounts.login",
    "accounts.logout",
    "accounts.activate",
    "accounts.activate_name",
    "accounts.activate_account",
    "accounts.reset_request",
    "accounts.reset_password",
    "accounts.accept_invitation",
    "accounts.confirm_email",  # the emailed link, often opened on a phone that is not logged in
    "notifications.unsubscribe",  # RFC 8058 one-click: posted by mail providers, no login, no cookie
    "i18n.switch_language",
    "privacy.notice",
    # The browser fetches these on its own, without the session cookie; they name nobody.
    "notifications.manifest",
    "notifications.service_worker",
    # The public catalogue of activities and its open-data feeds (issue 11): published
    # activities only, and they name no person (tests/activities/test_public_*.py).
    "activities.catalogue",
    "activities.show",
    "activities.photo",
    "activities.feed_json",
    "activities.feed_atom",
    "activities.feed_ics",
    # A lottery campaign and its draw are published so that anyone can check them; no names.
    "activities.campaign",
    "activities.campaign_json",
    # Calendars (issue 12): the city's public events as open data, one public event's .ics
    # (a private one needs login and the event's audience), and the private feed, whose random
    # token is the credential (tests/agenda/test_feeds_*.py).
    "agenda.public_feed",
    "agenda.event_ics",
    "agenda.private_feed",
}

# Methods Flask answers by itself (HEAD mirrors GET, OPTIONS lists the methods).
AUTOMATIC_METHODS = {"HEAD", "OPTIONS"}
REDIRECTS = {301, 302, 303, 307, 308}


def _argument(converter):
    if isinstance(converter, IntegerConverter):
        return 987654321
    if isinstance(converter, UUIDConverter):
        return uuid.uuid4()
    if isinstance(converter, AnyConverter):
        return converter.items[0] if hasattr(converter, "items") else converter.regex.split("|")[0]
    return new_public_id()


def _url(app, rule) -> str:
    values = {name: _argument(rule._converters[name]) for name in rule.arguments if name not in (rule.defaults or {})}
    with app.test_request_context():
        adapter = app.url_map.bind("localhost")
        return adapter.build(rule.endpoint, values, method=next(iter(rule.methods - AUTOMATIC_METHODS), "GET"))


def test_every_endpoint_needs_login_unless_allowlisted(app, client):
    login_path = "/login"
    problems = []
    for rule in app.url_map.iter_rules():
        url = _url(app, rule)
        for method in sorted(rule.methods - AUTOMATIC_METHODS):
            response = client.open(url, method=method)
            where = f"{method} {url} ({rule.endpoint})"
            if response.status_code >= 500:
                problems.append(f"{where}: {response.status_code}")
            if rule.endpoint in PUBLIC_ALLOWLIST or response.status_code in (404, 405):
                continue
            location = urlsplit(response.headers.get("Location", ""))
            if response.status_code not in REDIRECTS or location.path != login_path:
                problems.append(f"{where}: answered {response.status_code} to an anonymous visitor")
    assert not problems, "Reachable without login and not on the public allowlist:\n" + "\n".join(problems)


def test_every_public_view_is_on_the_allowlist(app):
    """A view marked @public that nobody listed here fails: new public pages are deliberate."""
    marked = {endpoint for endpoint, view in app.view_functions.items() if getattr(view, "is_public", False)}
    assert marked | ALWAYS_PUBLIC <= PUBLIC_ALLOWLIST, sorted((marked | ALWAYS_PUBLIC) - PUBLIC_ALLOWLIST)


def test_allowlist_names_only_existing_endpoints(app):
    """A stale entry would silently make a future endpoint of that name public."""
    assert PUBLIC_ALLOWLIST <= set(app.view_functions), sorted(PUBLIC_ALLOWLIST - set(app.view_functions))


def test_the_walk_sees_a_protected_page_redirect_to_login(client):
    """The check above is not vacuous: the news feed sends an anonymous visitor to login."""
    response = client.get("/news")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/login"
