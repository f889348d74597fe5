"""The installable app: manifest, icons, service worker, the VAPID key, and the phone's panel."""
from __future__ import annotations

import io
from html.parser import HTMLParser

from flask import render_template_string
from flask_login import login_user
from PIL import Image
from py_vapid import Vapid
from sqlalchemy import func, select

from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.notifications import subscriptions
from ent_lite.notifications.models import VapidKey
from ent_lite.notifications.push_keys import application_server_key
from tests.concurrency import at_once
from tests.notifications.push_browser import Browser


def test_the_manifest_makes_the_app_installable_in_the_visitors_language(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    assert response.headers["Cache-Control"] == "no-cache"
    manifest = response.json
    assert manifest["name"] == "ENT de Ville\u00a0: l’école et les familles"
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == ("/", "/", "standalone")
    assert manifest["theme_color"] == "#0b4f9c"
    assert "--accent:#0b4f9c" in client.get("/static/css/app.css").get_data(as_text=True)
    for icon in manifest["icons"]:
        image = client.get(icon["src"])
        assert image.status_code == 200 and image.mimetype == "image/png"
        assert len(image.data) < 20_000
        assert "%dx%d" % Image.open(io.BytesIO(image.data)).size == icon["sizes"]
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}
    english = client.get("/manifest.webmanifest", headers={"Accept-Language": "en"}).json
    assert english["name"] == "Ville school portal: school and family" and english["lang"] == "en"


def test_every_page_links_the_manifest(client):
    html = client.get("/login").get_data(as_text=True)
    assert '<link rel="manifest" href="/manifest.webmanifest"' in html


def test_the_service_worker_is_served_at_the_root_as_javascript_revalidated_and_caches_nothing(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0] == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    script = response.get_data(as_text=True)
    assert 'addEventListener("push"' in script and 'addEventListener("notificationclick"' in script
    assert 'addEventListener("fetch"' not in script and "caches." not in script
    # Every other page keeps no-store.
    assert client.get("/login").headers["Cache-Control"] == "no-store"


def test_the_vapid_key_is_made_once_and_kept(app, db):
    first = application_server_key()
    assert application_server_key() == first
    assert db.session.scalar(select(func.count()).select_from(VapidKey)) == 1
    raw = Vapid.from_pem(db.session.get(VapidKey, 1).private_pem.encode())
    assert raw is not None and len(first) == 87  # 65 bytes in base64url


def test_servers_starting_together_keep_one_key(app, db):
    def make_key():
        with app.app_context():
            try:
                return application_server_key()
            finally:
                db.session.remove()

    keys = at_once([make_key] * 4)
    assert len(set(keys)) == 1
    assert db.session.scalar(select(func.count()).select_from(VapidKey)) == 1
    assert application_server_key() == keys[0]


class Visible(HTMLParser):
    """The buttons a visitor without JavaScript sees (outside any ``hidden`` element) and their forms."""

    VOID = {"input", "br", "img", "meta", "link", "hr"}

    def __init__(self):
        super().__init__()
        self.stack, self.form, self.buttons, self.scripts = [], None, [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.scripts.append(attrs)
        if tag in self.VOID:
            return
        hidden = "hidden" in attrs or bool(self.stack and self.stack[-1])
        self.stack.append(hidden)
        if tag == "form":
            self.form = attrs
        if tag == "button" and not hidden:
            self.buttons.append((attrs, self.form))

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        self.stack.pop()
        if tag == "form":
            self.form = None


def render_panel(app, user):
    with app.test_request_context("/preferences"):
        login_user(user)
        return render_template_string('{% include "notifications/_push.html" ignore missing %}')


def test_without_javascript_the_panel_shows_no_dead_button_and_the_devices_can_be_removed(app, world):
    empty = Visible()
    empty.feed(render_panel(app, world.parent_a))
    assert empty.buttons == []  # the buttons that need JavaScript stay hidden until it shows them

    for n, agent in enumerate(("Mozilla/5.0 (Linux; Android 14) Chrome/126.0 Mobile Safari/537.36",
                               "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) Safari/604.1")):
        new = subscriptions.parse(Browser().subscription(f"https://fcm.googleapis.com/fcm/send/{n}"))
        subscriptions.subscribe(world.parent_a.id, new, subscriptions.device_label(agent), utcnow())
    db.session.commit()
    html = render_panel(app, world.parent_a)
    page = Visible()
    page.feed(html)
    assert "Chrome sur Android" in html and "Safari sur iPhone" in html
    assert len(page.buttons) == 2
    for button, form in page.buttons:
        assert button.get("type") == "submit"
        assert form["method"] == "post" and form["action"].startswith("/push/devices/")
    assert 'name="csrf_token"' in html
    assert [script["src"] for script in page.scripts] == ["/static/js/push.js"]
    assert "defer" in page.scripts[0]
    # Another person sees none of these devices.
    other = Visible()
    other.feed(render_panel(app, world.parent_b))
    assert other.buttons == [] and "Chrome sur Android" not in render_panel(app, world.parent_b)
