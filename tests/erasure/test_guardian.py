"""Erasing a guardian (PRIVACY.md C.15): no table refers to them but the documented holds,
their files are gone, their sessions are dead, and one audit entry holds counts only."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from ent_lite.accounts.models import User
from ent_lite.audit.models import AuditEntry
from ent_lite.consents.models import ConsentRecord
from ent_lite.conversations.models import Message, Thread
from ent_lite.core.db_types import utcnow
from ent_lite.erasure.services import TOMBSTONE_COLUMNS, TOMBSTONE_ROLE, erase_guardian
from ent_lite.erasure.signals import LEGAL_HOLDS
from ent_lite.extensions import db
from ent_lite.forms.models import Response
from tests.erasure.conftest import file_listing, foreign_keys_to, references


def erase(user, actor=None):
    report = erase_guardian(user, now=utcnow(), actor=actor)
    db.session.commit()
    db.session.expire_all()
    return report


def test_no_table_refers_to_an_erased_guardian_but_the_legal_holds(world, family, files_folder):
    guardian_id = world.parent_a.id
    holds = LEGAL_HOLDS["user_account"]
    # The family has a row in every table that can refer to a guardian.
    for table, column in foreign_keys_to("user_account"):
        assert references(table, column, guardian_id) >= 1, f"no {table.name}.{column} row to erase"

    erase(world.parent_a, actor=world.dpo)

    for table, column in foreign_keys_to("user_account"):
        left = references(table, column, guardian_id)
        if f"{table.name}.{column}" in holds:
            assert left >= 1, f"{table.name}.{column} is a hold: its rows are kept"
        else:
            assert left == 0, f"{table.name}.{column} still refers to the erased guardian"


def test_the_account_kept_for_held_consents_is_a_tombstone(world, family):
    guardian_id = world.parent_a.id
    for column in User.__table__.columns:  # a value in every column, those added later included
        if column.key not in TOMBSTONE_COLUMNS and getattr(world.parent_a, column.key) is None:
            setattr(world.parent_a, column.key, utcnow() if "dt" in column.key else
                    1 if column.type.python_type is int else "x")
    db.session.commit()
    report = erase(world.parent_a)

    assert report.tombstone
    tombstone = db.session.get(User, guardian_id)
    assert tombstone.role == TOMBSTONE_ROLE and not tombstone.is_active
    assert (tombstone.first_name, tombstone.last_name) == ("", "")
    assert tombstone.email is tombstone.phone is tombstone.password_hash is tombstone.totp_secret is None
    # Every other column is empty, those added after erasure was written included.
    for column in User.__table__.columns:
        if column.key not in TOMBSTONE_COLUMNS:
            assert getattr(tombstone, column.key) is None, column.key
    held = db.session.scalars(select(ConsentRecord).where(ConsentRecord.guardian_id == guardian_id)).all()
    assert {r.purpose for r in held} == {"photo_publication", "city_information"}


def test_a_guardian_without_held_records_leaves_no_account_row(world):
    guardian_id = world.parent_b.id
    report = erase(world.parent_b)
    assert not report.tombstone
    assert db.session.get(User, guardian_id) is None
    for table, column in foreign_keys_to("user_account"):
        assert references(table, column, guardian_id) == 0


def test_their_files_are_gone_from_storage_and_the_staff_files_stay(world, family, files_folder):
    theirs = family.guardian_files | family.export_files
    assert theirs <= file_listing(files_folder)
    report = erase(world.parent_a)
    stored = file_listing(files_folder)
    assert not theirs & stored
    assert family.staff_files <= stored and family.photo_files <= stored
    assert report.files == len(theirs)


def test_a_rolled_back_erasure_keeps_their_files(world, family, files_folder):
    before = file_listing(files_folder)
    erase_guardian(world.parent_a, now=utcnow(), actor=None)
    db.session.rollback()
    db.session.commit()  # a later commit must not remove what the rollback kept
    assert file_listing(files_folder) == before


def test_a_logged_in_guardian_is_anonymous_at_the_next_request(world, family, client, login_as):
    login_as(world.parent_a)
    assert client.get("/news").status_code == 200

    erase(world.parent_a)

    response = client.get("/news")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_guardian_without_held_records_is_logged_out_too(world, client, login_as):
    login_as(world.parent_b)
    erase(world.parent_b)
    response = client.get("/news")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_their_messages_keep_their_place_without_text_and_the_staff_reply_stays(world, family):
    guardian_message_id, staff_message_id = family.guardian_message.id, family.staff_message.id
    erase(world.parent_a)
    mine, reply = db.session.get(Message, guardian_message_id), db.session.get(Message, staff_message_id)
    assert mine.body == "" and mine.author_id is None and mine.is_withdrawn
    assert reply.body == "Nous l'avons retrouvé." and reply.author_id == world.teacher_a.id


def test_the_thread_still_reads_for_the_other_guardian(world, family, english, login_as):
    erase(world.parent_a)
    page = login_as(world.parent_a2).get(f"/messages/{family.thread.public_id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Nous l&#39;avons retrouvé." in html or "Nous l'avons retrouvé." in html
    assert "gilet bleu" not in html and "Former account" in html


def test_the_subject_of_a_thread_they_started_goes_and_a_staff_subject_stays(world, family, english, login_as):
    from ent_lite.conversations import services as conversations

    staff_thread, _message = conversations.start_child_thread(
        world.teacher_a, world.child_a, world.school.id, "Piscine jeudi", "Pensez au bonnet.", utcnow())
    db.session.commit()
    erase(world.parent_a)

    assert db.session.get(Thread, family.thread.id).subject == ""
    assert db.session.get(Thread, staff_thread.id).subject == "Piscine jeudi"
    login_as(world.parent_a2, target=english)
    for url in ("/messages", f"/messages/{family.thread.public_id}"):
        html = english.get(url).get_data(as_text=True)
        assert "Cantine" not in html and "Subject removed" in html
    assert "Piscine jeudi" in english.get("/messages").get_data(as_text=True)


def test_the_childs_answer_stays_without_respondent_while_another_guardian_remains(world, family):
    child_id = world.child_a.id
    report = erase(world.parent_a)
    kept = db.session.scalars(select(Response)).all()
    assert {r.child_id for r in kept} == {child_id, None}  # the authorisation and the family poll
    assert all(r.respondent_id is None and r.answers for r in kept)
    assert report.rows["form_response"] == 2 and "form_answer" not in report.rows


def test_a_sole_guardians_answers_are_deleted(world):
    from ent_lite.audience import keys
    from ent_lite.forms import services as forms
    from ent_lite.forms.models import respondent_key
    from ent_lite.posts import services as posts
    from tests.forms.conftest import builder_data

    now = utcnow()
    post = posts.create_post(world.teacher_b, "Piscine", "Bonjour.", [keys.group_key(world.class_b.id)], now)
    form = forms.attach_form(post, builder_data("authorisation"), now)
    db.session.flush()
    child = world.child_b
    forms.save_answers(form, world.parent_b,
                       forms.AnswerTarget(key=respondent_key(child.id), can_answer=True, child_id=child.id),
                       {q.id: "yes" for q in form.questions}, now)
    db.session.commit()

    erase(world.parent_b)
    assert db.session.scalars(select(Response)).all() == []


def test_one_audit_entry_with_counts_and_nothing_that_names_them(world, family):
    guardian = world.parent_a
    names = [guardian.first_name, guardian.last_name, guardian.email, "Awa", "gilet"]
    public_id = guardian.public_id

    report = erase(guardian, actor=world.dpo)

    (entry,) = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "erasure.done")).all()
    assert entry.target_ref == f"user:{public_id}" and entry.actor_ref == f"user:{world.dpo.public_id}"
    details = json.loads(entry.details)
    assert details["subject"] == "guardian" and details["files"] == report.files == 2
    assert details["rows"]["guardian_link"] == 1 and details["rows"]["post_read"] == 1
    # Their message in Awa's thread and the one in their own thread with a city service are
    # blanked (2), then that thread goes with its message (1).
    assert details["rows"]["message"] == 3 and details["rows"]["user_account"] == 1
    text = " ".join(str(value) for value in (entry.actor_ref, entry.target_ref, entry.details))
    assert not [name for name in names if name.lower() in text.lower()]


def test_staff_accounts_are_not_erased_by_this_service(world):
    with pytest.raises(ValueError):
        erase_guardian(world.teacher_a, now=utcnow(), actor=world.dpo)
    assert db.session.get(User, world.teacher_a.id).email
