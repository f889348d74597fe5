"""Web Push: push.js in Chromium on a phone-sized screen: the panel comes alive with JavaScript, the
service worker registers at the root, and what the page posts is what the server stores.

Headless Chromium has no push service to subscribe with, so ``pushManager.subscribe`` is
replaced in the page by one returning a browser-made subscription (real keys, a local
address); everything else (permission, service worker, fetch with the CSRF header, the
server's checks) is the real thing. The panel is rendered by the app for this browser's own
session, as the preferences page that includes it will render it.
"""
from __future__ import annotations

import json

from flask import render_template_string
from sqlalchemy import select

from ent_lite.extensions import db
from ent_lite.notifications.models import PushSubscription
from tests.browser.conftest import PHONE, log_in
from tests.notifications.push_browser import Browser

PANEL = '{% extends "base.html" %}{% block content %}<h1>Notifications</h1>{% include "notifications/_push.html" %}{% endblock %}'

FAKE_PUSH_SERVICE = """
window.__subscription = null;
PushManager.prototype.getSubscription = function () { return Promise.resolve(window.__subscription); };
PushManager.prototype.subscribe = function () {
  window.__subscription = {
    endpoint: %(endpoint)s,
    toJSON: function () { return %(json)s; },
    unsubscribe: function () { window.__subscription = null; return Promise.resolve(true); }
  };
  return Promise.resolve(window.__subscription);
};
"""


def panel_for(app, page, live_server) -> str:
    """The panel page as the app renders it for the session of this browser page."""
    cookie = next(c for c in page.context.cookies(live_server) if c["name"] == app.config["SESSION_COOKIE_NAME"])
    with app.test_request_context("/panel", base_url=live_server,
                                  headers={"Cookie": f"{cookie['name']}={cookie['value']}", "Accept-Language": "fr"}):
        return render_template_string(PANEL)


def stored():
    db.session.expire_all()
    return list(db.session.scalars(select(PushSubscription)))


def test_the_phone_turns_push_on_and_off_from_the_panel(app, chromium, live_server, world, monkeypatch,
                                                         check_accessibility):
    monkeypatch.setitem(app.config, "PUSH_ALLOW_LOCAL_ENDPOINTS", True)
    endpoint = "http://127.0.0.1:9/push/this-phone"
    browser = Browser()
    context = chromium.new_context(base_url=live_server, locale="fr-FR", **PHONE)
    context.grant_permissions(["notifications"], origin=live_server)
    context.add_init_script(FAKE_PUSH_SERVICE % {"endpoint": json.dumps(endpoint),
                                                 "json": json.dumps(browser.subscription(endpoint))})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        log_in(page, world.parent_a)
        html = panel_for(app, page, live_server)
        page.route("**/panel", lambda route: route.fulfill(status=200, content_type="text/html", body=html))
        page.goto("/panel")
        turn_on = page.get_by_role("button", name="Recevoir les notifications sur ce téléphone")
        turn_on.wait_for()
        box = turn_on.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        check_accessibility(page)

        turn_on.click()
        page.get_by_text("Les notifications sont activées sur ce téléphone.").wait_for()
        [device] = stored()
        assert (device.user_id, device.endpoint, device.p256dh) == (world.parent_a.id, endpoint, browser.p256dh)
        assert page.evaluate("navigator.serviceWorker.getRegistration('/').then(r => r && r.scope)") \
            == live_server + "/"

        page.get_by_role("button", name="Désactiver sur ce téléphone").click()
        page.get_by_text("Les notifications sont désactivées sur ce téléphone.").wait_for()
        assert stored() == []
        assert turn_on.is_visible()
        assert errors == []
    finally:
        context.close()


def test_a_refusal_is_said_in_the_page_and_the_button_stays_usable(app, chromium, live_server, world,
                                                                   monkeypatch):
    """The address is refused by the server (a local one, the setting off): its message shows."""
    endpoint = "http://127.0.0.1:9/push/this-phone"
    context = chromium.new_context(base_url=live_server, locale="fr-FR", **PHONE)
    context.grant_permissions(["notifications"], origin=live_server)
    context.add_init_script(FAKE_PUSH_SERVICE % {"endpoint": json.dumps(endpoint),
                                                 "json": json.dumps(Browser().subscription(endpoint))})
    page = context.new_page()
    try:
        log_in(page, world.parent_a)
        html = panel_for(app, page, live_server)
        page.route("**/panel", lambda route: route.fulfill(status=200, content_type="text/html", body=html))
        page.goto("/panel")
        turn_on = page.get_by_role("button", name="Recevoir les notifications sur ce téléphone")
        turn_on.click()
        page.get_by_text("L’adresse de notification doit être une adresse https.").wait_for()
        assert turn_on.is_enabled() and stored() == []
    finally:
        context.close()
