"""PRIVACY.md 18: no mail carries a post's title or text, a message, a thread's subject, a
child's name or a file's name, whatever template or builder wrote it, in either language.

Every field of a post, a message and a child holds a distinctive string; every template that
sends mail is rendered with them, and the notification builders run on them for real
(immediate and digest, every kind of item). A string found anywhere in a mail fails the test.
"""
from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage
from email.utils import parsedate_to_datetime

import pytest
from flask import render_template
from flask_babel import force_locale

from ent_lite.core.db_types import utcnow
from ent_lite.core.mail import send_mail
from ent_lite.extensions import db
from ent_lite.files.models import Attachment
from ent_lite.notifications import content
from ent_lite.notifications.worker import run_once
from ent_lite.posts import tracking
from tests.notifications import mail_helpers as h

SECRETS = {
    "post title": "Titre-Secret-Kx71",
    "post text": "Corps-Secret-Qw52",
    "child first name": "Prenom-Secret-Zp33",
    "child last name": "Nom-Secret-Yv90",
    "message": "Message-Secret-Hb18",
    "thread subject": "Sujet-Secret-Lm64",
    "post file": "Fichier-Secret-Rt27",
    "message file": "Image-Secret-Gd45",
}
LANGUAGES = ("fr", "en")


def leaks(mail: EmailMessage | str) -> list[str]:
    """The secrets found in a mail: raw source, every decoded part and header."""
    if isinstance(mail, str):
        texts = [mail]
    else:
        texts = [mail.as_string(), *(f"{k}: {v}" for k, v in mail.items())]
        texts += [part.get_content() for part in mail.walk() if not part.is_multipart()]
    found = "\n".join(texts).lower()
    return [what for what, secret in SECRETS.items() if secret.lower() in found]


@pytest.fixture
def secrets(world):
    """A post, an urgent post, a signature request and a message, all full of secrets."""
    world.child_a.first_name, world.child_a.last_name = SECRETS["child first name"], SECRETS["child last name"]
    fields = {"title": SECRETS["post title"], "body": SECRETS["post text"]}
    news = h.post(world.teacher_a, world.class_a, **fields)
    urgent = h.post(world.teacher_a, world.class_a, is_urgent=True, **fields)
    signature = h.post(world.teacher_a, world.class_a, requires_ack=True, **fields)
    thread, message = h.message(world, body=SECRETS["message"], subject=SECRETS["thread subject"])
    for name, owner in ((SECRETS["post file"], {"post_id": news.id}), (SECRETS["message file"],
                                                                          {"message_id": message.id})):
        db.session.add(Attachment(kind="pdf", content_type="application/pdf", display_name=f"{name}.pdf",
                                  storage_key=name, size_bytes=10, **owner))
    events = [h.post_event(news), h.post_event(urgent), h.post_event(signature),
              h.reminder_event(signature, world.teacher_a), h.message_event(message)]
    db.session.commit()
    return {"news": news, "post": signature, "thread": thread, "message": message, "events": events,
            "child": world.child_a}


def test_every_template_that_sends_mail_leaves_every_field_out(app, world, secrets):
    templates = sorted(name for name in app.jinja_env.list_templates() if "/email/" in name)
    assert {"notifications/email/digest.html", "notifications/email/immediate.txt",
            "accounts/email/reset.txt", "dpo/email/new_request.txt"} <= set(templates)
    delivery = h.deliver(world.parent_a, *secrets["events"])
    db.session.commit()
    [send] = content.gather([delivery])
    context = {
        **secrets, "user": world.parent_a, "post_title": SECRETS["post title"], "subject": SECRETS["thread subject"],
        "children": [secrets["child"]], "link": "http://localhost/x", "days": 7, "minutes": 60, "due_dt": h.NOW,
        "feed_link": "http://localhost/news", "preferences_link": "http://localhost/p",
        "unsubscribe_link": "http://localhost/u", "urgent": True,
    }
    for language in LANGUAGES:
        with force_locale(language):
            context["lines"] = [(content.item_line(i), content.item_link(i)) for i in send.items]
            for name in templates:
                assert not leaks(render_template(name, **context)), f"{name} ({language}): {leaks(render_template(name, **context))}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_notification_mails_immediate_and_digest_carry_no_content(world, secrets, language):
    world.parent_a.locale = world.parent_a2.locale = language
    deliveries = [h.deliver(world.parent_a, *secrets["events"])]  # tonight's digest
    # One item per person and event: the other guardian gets each at once.
    deliveries += [h.deliver(world.parent_a2, event, digest=False) for event in secrets["events"]]
    db.session.commit()

    mails = [h.received(content.email_message(send, h.NOW)) for send in content.gather(deliveries)]
    again = [h.received(content.email_message(send, h.NOW)) for send in content.gather(deliveries)]  # a retry

    assert len(mails) == 6
    assert len(mails[0].get_body(("plain",)).get_content().split("http://localhost/messages/")) == 2
    for mail, retry, delivery in zip(mails, again, deliveries):
        assert not leaks(mail), f"{mail['Subject']}: {leaks(mail)}"
        assert parsedate_to_datetime(mail["Date"]) == h.NOW
        assert mail["Message-ID"] == retry["Message-ID"] == f"<{delivery.public_id}@localhost>"
        assert mail["List-Unsubscribe"].startswith("<http://localhost/notifications/unsubscribe/")
        assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert mail.get_body(("html",)) is not None
    assert len({m["Message-ID"] for m in mails}) == 6
    assert "École Jules Ferry" in mails[1]["Subject"]  # the establishment is the one thing named


def test_the_signature_reminder_sent_for_real_carries_no_content(world, secrets, mailbox):
    """Through the outbox and the worker, with everything else the secrets fixture left due."""
    expected = {user.email for user in db.session.scalars(tracking.reminder_recipients(secrets["post"]))}
    assert tracking.request_reminder(secrets["post"], world.teacher_a, h.NOW) == 1  # one family
    db.session.commit()
    run_once(h.NOW)
    run_once(h.NOW + timedelta(days=1))  # the digests too
    reminded = {mail["To"] for mail in mailbox if "Rappel" in mail.get_body(("plain",)).get_content()}
    assert expected and reminded == expected
    for mail in mailbox:
        assert not leaks(mail), leaks(mail)


def test_account_mails_now_have_a_date_and_their_own_message_id(world, mailbox):
    before = utcnow().replace(microsecond=0)
    send_mail(world.parent_a.email, "Sujet", "Texte")
    send_mail(world.parent_a.email, "Sujet", "Texte")

    first, second = mailbox
    assert before <= parsedate_to_datetime(first["Date"]) <= utcnow()
    assert first["Message-ID"].endswith("@localhost>") and first["Message-ID"] != second["Message-ID"]
