"""The push sender, end to end: a real subscription, a local push service, real decryption."""
from __future__ import annotations

import base64
import json
import time
from datetime import timedelta

import pytest
from flask_babel import force_locale
from py_vapid import Vapid02
from sqlalchemy import select

from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.notifications.channels import RETRY, SENDERS, SENT, SKIPPED, FAILED
from ent_lite.notifications.content import gather, item_line
from ent_lite.notifications.models import (Category, Channel, Delivery, EventKind, Notification,
                                           NotificationEvent, PushSubscription)
from ent_lite.notifications.push_keys import application_server_key
from ent_lite.notifications.worker import run_once
from ent_lite.posts.models import Post
from ent_lite.posts.services import PostOptions, create_post
from tests.conversations.helpers import make_post
from tests.notifications.push_browser import Browser, receiver, silent_endpoint

TITLE = "Sortie au musée Rodin"


@pytest.fixture
def local_push(app, monkeypatch):
    """Let the tests' local receiver stand for a push service."""
    monkeypatch.setitem(app.config, "PUSH_ALLOW_LOCAL_ENDPOINTS", True)


def subscribe(client, login_as, user, endpoint) -> Browser:
    """A phone subscribes through the real endpoint, as push.js does."""
    login_as(user)
    browser = Browser()
    response = client.post("/push/subscribe", json=browser.subscription(endpoint), csrf=False,
                           headers={"X-CSRFToken": client.csrf_token()})
    assert response.status_code == 201, response.get_data(as_text=True)
    return browser


def push_delivery(world, user, posts=1) -> Delivery:
    """A due push delivery to ``user`` telling about ``posts`` new posts of class A."""
    now = utcnow()
    delivery = Delivery(user_id=user.id, channel=Channel.PUSH, due_dt=now)
    db.session.add(delivery)
    db.session.flush()
    for n in range(posts):
        post = make_post(world.teacher_a, world.class_a, title=f"{TITLE} {n}" if n else TITLE)
        event = NotificationEvent(kind=EventKind.POST, category=Category.NEWS, post_id=post.id,
                                  actor_id=world.teacher_a.id, created_dt=now, not_before_dt=now)
        db.session.add(event)
        db.session.flush()
        db.session.add(Notification(event_id=event.id, user_id=user.id, category=Category.NEWS,
                                    push_delivery_id=delivery.id))
    db.session.commit()
    return delivery


def run_sender(*deliveries):
    sends = gather(list(deliveries))
    return [(send.delivery.id, outcome) for send, outcome in SENDERS[Channel.PUSH](sends, utcnow())]


def devices():
    db.session.expire_all()
    return list(db.session.scalars(select(PushSubscription)))


def test_a_push_arrives_encrypted_for_the_phone_and_says_only_a_generic_line(client, world, login_as, local_push):
    with receiver() as service:
        browser = subscribe(client, login_as, world.parent_a, service.url + "/push/phone-a")
        delivery = push_delivery(world, world.parent_a)
        assert [(d, o.status) for d, o in run_sender(delivery)] == [(delivery.id, SENT)]
        [request] = service.requests
    assert request.path == "/push/phone-a"
    assert request.headers["content-encoding"] == "aes128gcm"
    assert int(request.headers["ttl"]) == client.application.config["PUSH_TTL_SECONDS"]
    assert TITLE.encode() not in request.body and b"Awa" not in request.body
    payload = json.loads(browser.decrypt(request.body))
    item = db.session.scalar(select(Notification))
    with force_locale("fr"):
        expected_line = item_line(item)
    post_id = db.session.get(NotificationEvent, item.event_id).post_id
    post = db.session.get(Post, post_id)
    assert payload == {"title": expected_line, "body": "Touchez pour ouvrir ENT de Ville.",
                       "url": f"/news/{post.public_id}"}
    text = json.dumps(payload, ensure_ascii=False)
    for secret in (TITLE, "Rodin", "Bonjour", world.child_a.first_name, world.teacher_a.last_name):
        assert secret not in text
    assert devices()[0].last_success_dt is not None


def test_the_push_is_signed_with_the_instances_vapid_key(client, world, login_as, local_push):
    with receiver() as service:
        subscribe(client, login_as, world.parent_a, service.url + "/push/phone-a")
        run_sender(push_delivery(world, world.parent_a))
        [request] = service.requests
    authorization = request.headers["authorization"]
    assert authorization.startswith("vapid t=")
    assert Vapid02.verify(authorization)
    parts = dict(part.split("=", 1) for part in authorization.split(" ", 1)[1].split(","))
    assert parts["k"] == application_server_key()
    header, claims, _signature = parts["t"].split(".")
    claims = json.loads(base64.urlsafe_b64decode(claims + "=" * (-len(claims) % 4)))
    assert json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))["alg"] == "ES256"
    assert claims["aud"] == service.url
    assert claims["sub"].startswith(("mailto:", "https://"))
    assert time.time() < claims["exp"] <= time.time() + 24 * 3600


def test_several_items_are_counted_not_described_in_the_persons_language(client, world, login_as, local_push):
    world.parent_a.locale = "en"
    db.session.commit()
    with receiver() as service:
        browser = subscribe(client, login_as, world.parent_a, service.url + "/push/phone-a")
        run_sender(push_delivery(world, world.parent_a, posts=3))
        [request] = service.requests
    assert json.loads(browser.decrypt(request.body)) == {
        "title": "3 new items are waiting for you", "body": "Tap to open Ville school portal.", "url": "/"}


def test_every_phone_of_the_person_gets_it_and_an_expired_one_is_forgotten(client, world, login_as, local_push):
    with receiver() as service, receiver() as expired:
        expired.status = 410
        subscribe(client, login_as, world.parent_a, service.url + "/push/phone")
        subscribe(client, login_as, world.parent_a, expired.url + "/push/old-tablet")
        delivery = push_delivery(world, world.parent_a)
        assert [(d, o.status) for d, o in run_sender(delivery)] == [(delivery.id, SENT)]
        assert len(service.requests) == len(expired.requests) == 1
    assert [device.endpoint for device in devices()] == [service.url + "/push/phone"]


@pytest.mark.parametrize("status", [404, 410])
def test_a_subscription_the_push_service_no_longer_knows_is_removed(client, world, login_as, local_push, status):
    with receiver() as service:
        service.status = status
        subscribe(client, login_as, world.parent_a, service.url + "/push/gone")
        delivery = push_delivery(world, world.parent_a)
        assert [outcome.status for _, outcome in run_sender(delivery)] == [SKIPPED]
    assert devices() == []


def test_a_push_service_that_never_answers_leaves_the_push_to_retry_within_the_timeout(
        app, client, world, login_as, local_push, monkeypatch):
    monkeypatch.setitem(app.config, "PUSH_TIMEOUT_SECONDS", 0.5)
    with silent_endpoint() as endpoint:
        subscribe(client, login_as, world.parent_a, endpoint)
        delivery = push_delivery(world, world.parent_a)
        started = time.monotonic()
        assert [outcome.status for _, outcome in run_sender(delivery)] == [RETRY]
        assert time.monotonic() - started < 5  # the setting's bound, not the library's default
    assert len(devices()) == 1


def test_a_failing_push_service_leaves_the_push_to_retry_and_keeps_the_phone(client, world, login_as, local_push):
    with receiver() as service:
        service.status = 503
        subscribe(client, login_as, world.parent_a, service.url + "/push/busy")
        assert [outcome.status for _, outcome in run_sender(push_delivery(world, world.parent_a))] == [RETRY]
    assert len(devices()) == 1


def test_nothing_is_sent_to_a_person_without_a_phone_or_with_nothing_left(client, world, login_as, local_push):
    with receiver() as service:
        subscribe(client, login_as, world.parent_a, service.url + "/push/phone")
        empty = Delivery(user_id=world.parent_a.id, channel=Channel.PUSH, due_dt=utcnow())
        db.session.add(empty)
        db.session.commit()
        without_phone = push_delivery(world, world.parent_b)
        outcomes = dict(run_sender(empty, without_phone))
        assert service.requests == []
    assert outcomes[empty.id].status == outcomes[without_phone.id].status == SKIPPED


def test_a_stored_address_that_points_inside_the_network_is_never_contacted(
        app, client, world, login_as, local_push, monkeypatch):
    with receiver() as service:
        subscribe(client, login_as, world.parent_a, service.url + "/push/phone")
        monkeypatch.setitem(app.config, "PUSH_ALLOW_LOCAL_ENDPOINTS", False)
        assert [outcome.status for _, outcome in run_sender(push_delivery(world, world.parent_a))] == [FAILED]
        assert service.requests == []


def test_the_sender_yields_each_outcome_as_soon_as_that_push_is_sent(client, world, login_as, local_push):
    with receiver() as service:
        subscribe(client, login_as, world.parent_a, service.url + "/push/a")
        subscribe(client, login_as, world.parent_b, service.url + "/push/b")
        first, second = push_delivery(world, world.parent_a), push_delivery(world, world.parent_b)
        outcomes = SENDERS[Channel.PUSH](gather([first, second]), utcnow() + timedelta(seconds=1))
        send, outcome = next(outcomes)
        assert (send.delivery.id, outcome.status, len(service.requests)) == (first.id, SENT, 1)
        assert [o.status for _, o in outcomes] == [SENT]
        assert len(service.requests) == 2


def test_an_urgent_push_wakes_the_phone_and_an_ordinary_one_may_wait(client, world, login_as, local_push):
    with receiver() as service:
        subscribe(client, login_as, world.parent_a, service.url + "/push/phone")
        ordinary, urgent = push_delivery(world, world.parent_a), push_delivery(world, world.parent_a)
        urgent.is_urgent = True
        db.session.commit()
        run_sender(ordinary, urgent)
        assert [request.headers["urgency"] for request in service.requests] == ["normal", "high"]


def test_an_urgent_post_reaches_the_phone_and_the_mailbox_through_the_worker(client, world, login_as, local_push,
                                                                              mailbox):
    """End to end: the post writes its outbox row, the worker fans it out and sends both channels."""
    with receiver() as service:
        browser = subscribe(client, login_as, world.parent_a, service.url + "/push/phone-a")
        now = utcnow()
        create_post(world.teacher_a, TITLE, "Rendez-vous devant l'école.", [("group", str(world.class_a.id))], now,
                    PostOptions(is_urgent=True))
        db.session.commit()
        run_once(now)
        assert len(service.requests) == 1
        payload = json.loads(browser.decrypt(service.requests[0].body))
    assert payload["url"].startswith("/news/") and TITLE not in json.dumps(payload, ensure_ascii=False)
    assert world.parent_a.email in [message["To"] for message in mailbox]
