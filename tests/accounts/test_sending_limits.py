"""Each account has a budget of new messages and of uploaded files; other accounts keep theirs."""
from __future__ import annotations

import io

from sqlalchemy import func, select

from ent_lite.accounts import throttling
from ent_lite.conversations.models import Message
from ent_lite.extensions import db
from ent_lite.files.models import Attachment
from tests.conversations.helpers import png_bytes, start_child

MESSAGES_IN_TEN_MINUTES = 20
FILES_IN_TEN_MINUTES = 60
FILES_PER_REQUEST = 20


def reply(client, thread, body="Merci !", files=0):
    data = {"body": body}
    if files:
        data["files"] = [(io.BytesIO(png_bytes()), f"photo-{n}.png") for n in range(files)]
    return client.post(f"/messages/{thread.public_id}/reply", data=data, content_type="multipart/form-data")


def count(column) -> int:
    return db.session.scalar(select(func.count(column)))


def test_the_budgets_are_the_documented_ones():
    assert throttling.MESSAGES_PER_ACCOUNT.startswith(f"{MESSAGES_IN_TEN_MINUTES}/10 minutes")
    assert throttling.FILES_PER_ACCOUNT.startswith(f"{FILES_IN_TEN_MINUTES}/10 minutes")


def test_too_many_messages_are_refused_for_that_account_only(world, login_as, english):
    thread, _ = start_child(world)
    login_as(world.parent_a)
    for n in range(MESSAGES_IN_TEN_MINUTES):
        assert reply(english, thread, f"Message {n}").status_code == 302
    # A new thread draws on the same budget as replies.
    refused = english.post("/messages/new", data={
        "subject": "Cantine", "body": "Encore une question, très longue.",
        "recipient": f"{world.child_a.public_id}.{world.school.public_id}.team"})
    assert refused.status_code == 429
    page = refused.get_data(as_text=True)
    assert "You have sent many messages in a short time. Nothing was sent" in page
    assert "You can send again from" in page
    # What was typed is shown back, to copy: nothing is lost.
    assert "Encore une question, très longue." in page and "Cantine" in page
    assert reply(english, thread, "Une de plus").status_code == 429
    assert count(Message.id) == 1 + MESSAGES_IN_TEN_MINUTES
    # The other guardian of the same child writes as usual.
    login_as(world.parent_a2)
    assert reply(english, thread, "Bonjour").status_code == 302
    assert count(Message.id) == 2 + MESSAGES_IN_TEN_MINUTES


def test_too_many_files_are_refused_for_that_account_only(world, login_as, english):
    thread, _ = start_child(world)
    login_as(world.parent_a)
    for _ in range(FILES_IN_TEN_MINUTES // FILES_PER_REQUEST):
        assert reply(english, thread, files=FILES_PER_REQUEST).status_code == 302
    refused = reply(english, thread, "Et une dernière photo", files=1)
    assert refused.status_code == 429
    page = refused.get_data(as_text=True)
    assert "You have sent many files in a short time. Nothing was sent" in page
    assert "Et une dernière photo" in page
    assert count(Attachment.id) == FILES_IN_TEN_MINUTES
    # Text alone still goes: the file budget counts files.
    assert reply(english, thread, "Sans photo").status_code == 302
    # Another account sends its photos as usual.
    login_as(world.teacher_a)
    assert reply(english, thread, files=2).status_code == 302
    assert count(Attachment.id) == FILES_IN_TEN_MINUTES + 2


def test_the_file_budget_covers_posts_too(world, login_as, english):
    client = login_as(world.teacher_a)
    for _ in range(FILES_IN_TEN_MINUTES // FILES_PER_REQUEST):
        response = client.post("/news/new", content_type="multipart/form-data", data={
            "title": "Sortie", "body": "Les photos", "targets": [f"group:{world.class_a.public_id}"],
            "files": [(io.BytesIO(png_bytes()), f"photo-{n}.png") for n in range(FILES_PER_REQUEST)]})
        assert response.status_code == 302
    thread, _ = start_child(world)
    assert reply(client, thread, files=1).status_code == 429
