"""A thread page: replies, read marks, withdrawing within 15 minutes, closing, CSRF."""
from __future__ import annotations

import io
from datetime import timedelta

from sqlalchemy import func, select

from ent_lite.conversations import services
from ent_lite.conversations.models import Message, Thread, ThreadRead
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.files.models import Attachment
from tests.conversations.helpers import png_bytes


def message_count() -> int:
    return db.session.scalar(select(func.count(Message.id)))


def test_both_guardians_and_the_teacher_share_one_thread(world, login_as, english, child_thread):
    login_as(world.teacher_a)
    assert english.post(f"/messages/{child_thread.public_id}/reply", data={"body": "Je le mets de côté."}).status_code == 302
    for guardian in (world.parent_a, world.parent_a2):
        login_as(guardian)
        page = english.get(f"/messages/{child_thread.public_id}").get_data(as_text=True)
        assert "Awa a oublié son gilet." in page and "Je le mets de côté." in page
        assert "Claire Durand" in page


def test_opening_the_thread_records_the_read_mark(world, login_as, client, child_thread):
    login_as(world.parent_a2)
    client.get(f"/messages/{child_thread.public_id}")
    assert db.session.scalar(select(ThreadRead.user_id).where(ThreadRead.thread_id == child_thread.id)) == world.parent_a2.id


def test_unread_counts_go_up_and_down(world, login_as, client, child_thread):
    # parent_a wrote the first message: unread for the others, never for its author.
    assert services.unread_thread_count(world.parent_a) == 0
    assert services.unread_thread_count(world.teacher_a) == 1
    login_as(world.teacher_a)
    client.get(f"/messages/{child_thread.public_id}")
    assert services.unread_thread_count(world.teacher_a) == 0
    client.post(f"/messages/{child_thread.public_id}/reply", data={"body": "Bien noté."})
    assert services.unread_thread_count(world.teacher_a) == 0
    assert services.unread_thread_count(world.parent_a) == 1
    assert services.unread_thread_count(world.parent_a2) == 1
    login_as(world.parent_a)
    client.get(f"/messages/{child_thread.public_id}")
    assert services.unread_thread_count(world.parent_a) == 0
    assert services.unread_thread_count(world.parent_a2) == 1


def test_reply_moves_the_thread_and_keeps_line_breaks(world, login_as, english, child_thread):
    before = child_thread.last_message_dt
    login_as(world.parent_a2)
    english.post(f"/messages/{child_thread.public_id}/reply", data={"body": "Ligne 1\nLigne 2"})
    db.session.refresh(child_thread)
    assert child_thread.last_message_dt > before
    page = english.get(f"/messages/{child_thread.public_id}").get_data(as_text=True)
    assert "Ligne 1<br>Ligne 2" in page


def test_reply_is_escaped(world, login_as, english, child_thread):
    login_as(world.parent_a)
    english.post(f"/messages/{child_thread.public_id}/reply", data={"body": "<script>alert(1)</script>"})
    page = english.get(f"/messages/{child_thread.public_id}").get_data(as_text=True)
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page


def test_an_empty_reply_gets_an_error_next_to_the_field(world, login_as, english, child_thread):
    login_as(world.parent_a)
    response = english.post(f"/messages/{child_thread.public_id}/reply", data={"body": "  "})
    assert response.status_code == 200 and "Write the message." in response.get_data(as_text=True)
    assert message_count() == 1


def test_withdraw_within_15_minutes(world, login_as, english, child_thread):
    message = db.session.scalar(select(Message))
    message.created_dt = utcnow() - timedelta(minutes=14)
    db.session.commit()
    login_as(world.parent_a)
    page = english.get(f"/messages/{child_thread.public_id}").get_data(as_text=True)
    assert "Withdraw this message" in page
    response = english.post(f"/messages/{child_thread.public_id}/withdraw/{message.public_id}")
    assert response.status_code == 302
    db.session.refresh(message)
    assert message.withdrawn_dt is not None and message.body == ""
    login_as(world.teacher_a)
    page = english.get(f"/messages/{child_thread.public_id}").get_data(as_text=True)
    assert "Message withdrawn" in page and "gilet" not in page


def test_withdraw_after_15_minutes_is_refused(world, login_as, english, child_thread):
    message = db.session.scalar(select(Message))
    message.created_dt = utcnow() - timedelta(minutes=16)
    db.session.commit()
    login_as(world.parent_a)
    assert "Withdraw this message" not in english.get(f"/messages/{child_thread.public_id}").get_data(as_text=True)
    response = english.post(f"/messages/{child_thread.public_id}/withdraw/{message.public_id}", follow_redirects=True)
    assert "can no longer be withdrawn" in response.get_data(as_text=True)
    db.session.refresh(message)
    assert message.withdrawn_dt is None and "gilet" in message.body


def test_only_the_author_withdraws(world, login_as, client, child_thread):
    message = db.session.scalar(select(Message))
    for other in (world.parent_a2, world.teacher_a):
        login_as(other)
        assert client.post(f"/messages/{child_thread.public_id}/withdraw/{message.public_id}").status_code == 404
    db.session.refresh(message)
    assert message.withdrawn_dt is None


def test_withdrawing_deletes_the_messages_files(world, login_as, client, child_thread):
    login_as(world.parent_a)
    client.post(f"/messages/{child_thread.public_id}/reply",
                data={"body": "Voici la photo.", "files": [(io.BytesIO(png_bytes()), "gilet.png")]},
                content_type="multipart/form-data")
    attachment = db.session.scalar(select(Attachment))
    message = db.session.get(Message, attachment.message_id)
    assert client.get(f"/files/{attachment.public_id}").status_code == 200
    client.post(f"/messages/{child_thread.public_id}/withdraw/{message.public_id}")
    assert db.session.scalar(select(func.count(Attachment.id))) == 0
    assert client.get(f"/files/{attachment.public_id}").status_code == 404


def test_staff_close_and_the_thread_becomes_read_only(world, login_as, english, child_thread):
    login_as(world.teacher_a)
    assert english.post(f"/messages/{child_thread.public_id}/close").status_code == 302
    login_as(world.parent_a)
    page = english.get(f"/messages/{child_thread.public_id}").get_data(as_text=True)
    assert "Closed" in page and "no longer receives messages" in page and 'name="body"' not in page
    response = english.post(f"/messages/{child_thread.public_id}/reply", data={"body": "Encore une chose"})
    assert response.status_code == 302 and message_count() == 1


def test_guardians_cannot_close(world, login_as, client, child_thread):
    login_as(world.parent_a)
    assert client.post(f"/messages/{child_thread.public_id}/close").status_code == 404
    assert db.session.get(Thread, child_thread.id).closed_dt is None


def test_a_bad_upload_is_refused_next_to_the_field_and_nothing_is_written(world, login_as, english, child_thread):
    login_as(world.parent_a)
    response = english.post(f"/messages/{child_thread.public_id}/reply",
                            data={"body": "Voir pièce jointe", "files": [(io.BytesIO(b"<svg/>"), "x.svg")]},
                            content_type="multipart/form-data")
    assert response.status_code == 415
    assert "Voir pièce jointe" in response.get_data(as_text=True)
    assert message_count() == 1 and db.session.scalar(select(func.count(Attachment.id))) == 0


def test_csrf_is_enforced_on_every_form(world, login_as, client, child_thread):
    message = db.session.scalar(select(Message))
    login_as(world.parent_a)
    for url, data in [
        (f"/messages/{child_thread.public_id}/reply", {"body": "Sans jeton"}),
        (f"/messages/{child_thread.public_id}/withdraw/{message.public_id}", {}),
        ("/messages/new", {"subject": "S", "body": "B",
                           "recipient": f"{world.child_a.public_id}.{world.school.public_id}.team"}),
    ]:
        assert client.post(url, data=data, csrf=False).status_code == 400
    login_as(world.teacher_a)
    assert client.post(f"/messages/{child_thread.public_id}/close", csrf=False).status_code == 400
    assert message_count() == 1 and db.session.scalar(select(func.count(Thread.id))) == 1
    assert db.session.get(Thread, child_thread.id).closed_dt is None
    assert db.session.get(Message, message.id).withdrawn_dt is None


def test_the_sender_may_still_withdraw_after_staff_closed_the_thread(english, world, child_thread, login_as):
    login_as(world.parent_a)
    english.post(f"/messages/{child_thread.public_id}/reply", data={"body": "Oubli: pas de piscine demain"})
    message = db.session.scalar(select(Message).where(Message.body.contains("piscine")))
    login_as(world.teacher_a)
    english.post(f"/messages/{child_thread.public_id}/close")
    login_as(world.parent_a)
    assert "Withdraw this message" in english.get(f"/messages/{child_thread.public_id}").get_data(as_text=True)
    response = english.post(f"/messages/{child_thread.public_id}/withdraw/{message.public_id}", follow_redirects=True)
    assert "Message withdrawn" in response.get_data(as_text=True)
    db.session.refresh(message)
    assert message.withdrawn_dt is not None and "piscine" not in message.body
