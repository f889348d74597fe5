"""Web Push subscriptions: what a page may store, and only for the person signed in."""
from __future__ import annotations

import base64

import pytest
from sqlalchemy import select

from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.notifications import subscriptions
from ent_lite.notifications.models import PushSubscription
from tests.concurrency import at_once
from tests.notifications.push_browser import Browser, b64url

ANDROID_CHROME = ("Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/126.0.0.0 Mobile Safari/537.36")
IPHONE_SAFARI = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
                 "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1")
ENDPOINT = "https://fcm.googleapis.com/fcm/send/abc123"


def post_json(client, url, body, token=True, user_agent=ANDROID_CHROME):
    headers = {"User-Agent": user_agent}
    if token:
        headers["X-CSRFToken"] = client.csrf_token()
    return client.post(url, json=body, headers=headers, csrf=False)


def stored():
    db.session.expire_all()
    return list(db.session.scalars(select(PushSubscription).order_by(PushSubscription.id)))


def test_a_browser_subscription_is_stored_for_the_signed_in_person_with_a_device_name(client, world, login_as):
    login_as(world.parent_a)
    browser = Browser()
    response = post_json(client, "/push/subscribe", browser.subscription(ENDPOINT))
    assert response.status_code == 201, response.get_data(as_text=True)
    [device] = stored()
    assert (device.user_id, device.endpoint, device.p256dh, device.auth) == (
        world.parent_a.id, ENDPOINT, browser.p256dh, b64url(browser.auth))
    assert device.device_label == "Chrome sur Android"
    assert response.json["device"] == device.public_id


def test_subscribing_the_same_phone_again_updates_it_and_moves_it_to_whoever_is_signed_in(
        client, world, login_as):
    login_as(world.parent_a)
    assert post_json(client, "/push/subscribe", Browser().subscription(ENDPOINT)).status_code == 201
    login_as(world.parent_b)
    renewed = Browser()
    assert post_json(client, "/push/subscribe", renewed.subscription(ENDPOINT),
                     user_agent=IPHONE_SAFARI).status_code == 201
    [device] = stored()
    assert (device.user_id, device.p256dh, device.device_label) == (
        world.parent_b.id, renewed.p256dh, "Safari sur iPhone")


def _point_off_the_curve() -> str:
    raw = bytearray(base64.urlsafe_b64decode(Browser().p256dh + "="))
    raw[-1] ^= 1
    return b64url(bytes(raw))


def _with(endpoint=ENDPOINT, p256dh=None, auth=None, drop=None):
    browser = Browser()
    body = browser.subscription(endpoint)
    if p256dh is not None:
        body["keys"]["p256dh"] = p256dh
    if auth is not None:
        body["keys"]["auth"] = auth
    if drop:
        body["keys"].pop(drop)
    return body


MALFORMED = {
    "not an object": [ENDPOINT],
    "no keys": {"endpoint": ENDPOINT},
    "no endpoint": {"keys": _with()["keys"]},
    "endpoint not a string": _with(endpoint=42),
    "plain http": _with(endpoint="http://fcm.googleapis.com/fcm/send/abc"),
    "another scheme": _with(endpoint="javascript:alert(1)//"),
    "loopback address": _with(endpoint="https://127.0.0.1/push"),
    "private address": _with(endpoint="https://10.1.2.3/push"),
    "link-local metadata address": _with(endpoint="https://169.254.169.254/latest"),
    "ipv6 loopback": _with(endpoint="https://[::1]/push"),
    "local host name": _with(endpoint="https://localhost/push"),
    "internal host name": _with(endpoint="https://mail.city.internal/push"),
    "single-label host name": _with(endpoint="https://intranet/push"),
    "other port": _with(endpoint="https://fcm.googleapis.com:8443/fcm/send/abc"),
    "credentials in the address": _with(endpoint="https://user:secret@fcm.googleapis.com/x"),
    "line break in the address": _with(endpoint="https://fcm.googleapis.com/x\r\nHost: a"),
    "endpoint too long": _with(endpoint="https://fcm.googleapis.com/" + "a" * 1000),
    "p256dh missing": _with(drop="p256dh"),
    "p256dh not base64url": _with(p256dh="not base64!"),
    "p256dh too short": _with(p256dh=b64url(b"\x04" + b"\x01" * 63)),
    "p256dh compressed": _with(p256dh=b64url(b"\x02" + b"\x01" * 32)),
    "p256dh off the curve": _with(p256dh=_point_off_the_curve()),
    "auth missing": _with(drop="auth"),
    "auth not a string": _with(auth=1234),
    "auth too short": _with(auth=b64url(b"x" * 15)),
    "auth too long": _with(auth=b64url(b"x" * 17)),
}


@pytest.mark.parametrize("body", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_subscription_is_refused_with_a_json_error(client, world, login_as, body):
    login_as(world.parent_a)
    response = post_json(client, "/push/subscribe", body)
    assert response.status_code == 400
    assert response.is_json and response.json["error"]
    assert stored() == []


def test_a_body_that_is_not_json_is_refused_with_a_json_error(client, world, login_as):
    login_as(world.parent_a)
    response = client.post("/push/subscribe", data="endpoint=x", content_type="text/plain",
                           headers={"X-CSRFToken": client.csrf_token()}, csrf=False)
    assert response.status_code == 400 and response.json["error"]


def test_local_receivers_are_accepted_only_when_the_setting_allows_them(app, client, world, login_as, monkeypatch):
    login_as(world.parent_a)
    local = Browser().subscription("http://127.0.0.1:8099/push/1")
    assert post_json(client, "/push/subscribe", local).status_code == 400
    monkeypatch.setitem(app.config, "PUSH_ALLOW_LOCAL_ENDPOINTS", True)
    assert post_json(client, "/push/subscribe", local).status_code == 201


def test_a_subscription_without_the_csrf_token_is_refused(client, world, login_as):
    login_as(world.parent_a)
    assert post_json(client, "/push/subscribe", Browser().subscription(ENDPOINT), token=False).status_code == 400
    assert stored() == []


def test_an_anonymous_visitor_cannot_subscribe(client, world):
    response = post_json(client, "/push/subscribe", Browser().subscription(ENDPOINT))
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert stored() == []


def test_an_account_has_a_limited_number_of_devices(app, client, world, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "PUSH_MAX_DEVICES", 2)
    login_as(world.parent_a)
    for n in range(2):
        assert post_json(client, "/push/subscribe", Browser().subscription(f"{ENDPOINT}/{n}")).status_code == 201
    refused = post_json(client, "/push/subscribe", Browser().subscription(f"{ENDPOINT}/3"))
    assert refused.status_code == 400 and "appareils" in refused.json["error"]
    # Renewing a phone already on the list is not a new device.
    assert post_json(client, "/push/subscribe", Browser().subscription(f"{ENDPOINT}/0")).status_code == 201
    assert len(stored()) == 2


def test_turning_off_on_this_phone_removes_only_ones_own_subscription(client, world, login_as):
    login_as(world.parent_a)
    post_json(client, "/push/subscribe", Browser().subscription(ENDPOINT))
    login_as(world.parent_b)
    assert post_json(client, "/push/unsubscribe", {"endpoint": ENDPOINT}).json["removed"] is False
    assert len(stored()) == 1
    login_as(world.parent_a)
    assert post_json(client, "/push/unsubscribe", {"endpoint": ENDPOINT}, token=False).status_code == 400
    assert len(stored()) == 1
    assert post_json(client, "/push/unsubscribe", {"endpoint": ENDPOINT}).json["removed"] is True
    assert stored() == []
    assert post_json(client, "/push/unsubscribe", ["nonsense"]).status_code == 400


def test_a_device_is_removed_from_the_list_without_javascript(client, world, login_as):
    login_as(world.parent_a)
    post_json(client, "/push/subscribe", Browser().subscription(ENDPOINT))
    [device] = stored()
    url = f"/push/devices/{device.public_id}/remove"
    login_as(world.parent_b)
    assert client.post(url, data={"next": "/account"}).status_code == 404
    assert len(stored()) == 1
    login_as(world.parent_a)
    assert client.post(url, data={"next": "/account"}, csrf=False).status_code == 400
    response = client.post(url, data={"next": "/account"})
    assert response.status_code == 302 and response.headers["Location"] == "/account"
    assert stored() == []


@pytest.mark.parametrize("agent, label", [
    (ANDROID_CHROME, "Chrome on Android"),
    (IPHONE_SAFARI, "Safari on iPhone"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0", "Firefox on Windows"),
    ("Mozilla/5.0 (Linux; Android 14; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 "
     "Chrome/121.0.0.0 Mobile Safari/537.36", "Samsung Internet on Android"),
    ("", "Unknown browser"),
])
def test_the_device_label_names_only_the_browser_and_the_system(app, agent, label):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert subscriptions.device_label(agent) == label



def test_a_control_character_in_an_unsubscribe_is_refused_not_a_server_error(client, world, login_as):
    login_as(world.parent_a)
    for endpoint in (ENDPOINT + "\x00", "", 42, "x" * 1001):
        response = post_json(client, "/push/unsubscribe", {"endpoint": endpoint})
        assert response.status_code == 400 and response.json["error"]


def test_two_taps_at_once_store_one_device(app, client, world):
    new = subscriptions.parse(Browser().subscription(ENDPOINT))
    user_id = world.parent_a.id

    def tap():
        with app.app_context():
            try:
                subscriptions.subscribe(user_id, new, "Chrome", utcnow())
                db.session.commit()
            finally:
                db.session.remove()

    at_once([tap] * 4)
    assert len(stored()) == 1
