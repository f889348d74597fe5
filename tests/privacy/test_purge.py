"""The purge: each category's boundary, files, dry run, batches, re-runs and its audit entries."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from ent_lite.accounts.models import ActivationCode, User
from ent_lite.audit.models import AuditEntry
from ent_lite.audit.services import record
from ent_lite.consents.models import ConsentRecord
from ent_lite.consents.services import set_consent
from ent_lite.conversations.models import Message, Thread
from ent_lite.dpo.models import RequestKind, RequestStatus, RightsRequest
from ent_lite.dpo.services import close_request, create_request
from ent_lite.erasure.services import erase_guardian
from ent_lite.extensions import db
from ent_lite.files.models import Attachment
from ent_lite.notifications.models import Delivery, DeliveryStatus, Notification
from ent_lite.posts.models import Post, PostAudience, PostRead, PostSignature
from ent_lite.posts.services import record_read
from ent_lite.privacy import retention
from ent_lite.privacy.purge import purge_category, run_purge
from ent_lite.school.models import Child, GuardianLink
from tests import factories
from tests.notifications.privacy_rows import told_of
from tests.privacy.conftest import file_listing, utc

DAY = timedelta(days=1)
INSTANT = timedelta(microseconds=1)  # the finest step the stored times keep


def exists(model, row_id) -> bool:
    db.session.expire_all()
    return db.session.get(model, row_id) is not None


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# --- one item per category: (category, model, id, when it is due) ----------------------------------

def class_content(world, make_post, make_thread):
    post = make_post(utc(2025, 10, 10))
    # School year 2025-2026 ends on 1 September 2026; deleted 90 days later.
    assert retention.deletion_dt("class_content", post.published_dt) == utc(2026, 11, 30, 0)
    return Post, post.id, utc(2026, 11, 30, 0)


def conversations(world, make_post, make_thread):
    thread, _ = make_thread(utc(2026, 6, 30))
    return Thread, thread.id, utc(2026, 11, 30, 0)


def read_receipts(world, make_post, make_thread):
    post = make_post(utc(2026, 8, 1))
    record_read(world.parent_a, post, utc(2026, 8, 31, 23))
    db.session.commit()
    read_id = db.session.scalar(select(PostRead.id))
    return PostRead, read_id, utc(2026, 11, 30, 0)


def form_answers(world, make_post, make_thread):
    post = make_post(utc(2026, 3, 1))
    signature = PostSignature(post_id=post.id, child_id=world.child_a.id, user_id=world.parent_a.id,
                              signed_dt=utc(2026, 3, 2))
    db.session.add(signature)
    db.session.commit()
    return PostSignature, signature.id, utc(2026, 11, 30, 0)


def pupil_records(world, make_post, make_thread):
    world.child_b.left_dt = utc(2026, 7, 4)
    db.session.commit()
    return Child, world.child_b.id, utc(2026, 7, 4) + 90 * DAY


def accounts(world, make_post, make_thread):
    world.child_b.left_dt = utc(2026, 7, 4)
    world.parent_b.created_dt = utc(2024, 9, 1)
    db.session.commit()
    return User, world.parent_b.id, utc(2026, 7, 4) + 90 * DAY


def security_tokens(world, make_post, make_thread):
    code = ActivationCode(user_id=world.parent_b.id, code_hash="a" * 64, created_dt=utc(2026, 1, 1),
                          expires_dt=utc(2026, 3, 1))
    db.session.add(code)
    db.session.commit()
    return ActivationCode, code.id, utc(2026, 3, 1) + 7 * DAY


def audit_log(world, make_post, make_thread):
    entry = record("login.success", actor=world.parent_a, now=utc(2025, 5, 1))
    db.session.commit()
    return AuditEntry, entry.id, utc(2025, 5, 1) + 365 * DAY


def consent_records(world, make_post, make_thread):
    grant = set_consent(world.parent_a, "city_information", True, utc(2026, 1, 5))
    # The withdrawal ends the consent the grant proves; 5 years of proof from then.
    set_consent(world.parent_a, "city_information", False, utc(2026, 3, 2))
    db.session.commit()
    return ConsentRecord, grant.id, utc(2026, 3, 2) + 5 * 365 * DAY


def rights_requests(world, make_post, make_thread):
    request = create_request(world.parent_a, RequestKind.OTHER, "Quelles données ?", utc(2026, 1, 5))
    close_request(request, RequestStatus.DONE, "Voici la liste.", world.dpo, utc(2026, 1, 20))
    db.session.commit()
    return RightsRequest, request.id, utc(2026, 1, 20) + 5 * 365 * DAY


def notifications(world, make_post, make_thread):
    # The item (its event and sends are checked in tests/privacy/test_purge_notifications.py).
    _event, item_id, _mail, _push = told_of(world.parent_a, make_post(utc(2026, 3, 1)), utc(2026, 3, 2))
    return Notification, item_id, utc(2026, 3, 2) + 30 * DAY


BUILDERS = [class_content, conversations, read_receipts, form_answers, pupil_records, accounts,
            security_tokens, consent_records, audit_log, rights_requests, notifications]


@pytest.mark.parametrize("build", BUILDERS, ids=[b.__name__ for b in BUILDERS])
def test_one_day_inside_retention_is_kept_one_day_past_is_purged(world, make_post, make_thread, build):
    model, row_id, due = build(world, make_post, make_thread)
    key = build.__name__
    purge_category(key, due - DAY)
    assert exists(model, row_id)
    purge_category(key, due + DAY)
    assert not exists(model, row_id)


@pytest.mark.parametrize("build", BUILDERS, ids=[b.__name__ for b in BUILDERS])
def test_at_its_deletion_instant_an_item_is_kept_and_the_instant_after_it_is_purged(world, make_post, make_thread,
                                                                                    build):
    """The rule at the boundary (ent_lite.privacy.retention.cutoff), the same for every category."""
    model, row_id, due = build(world, make_post, make_thread)
    key = build.__name__
    assert purge_category(key, due, dry_run=True).rows == 0
    purge_category(key, due)
    assert exists(model, row_id)
    assert purge_category(key, due + INSTANT, dry_run=True).rows >= 1
    purge_category(key, due + INSTANT)
    assert not exists(model, row_id)


def test_a_post_goes_with_its_photo_files_reads_and_answers(world, make_post, files_folder):
    post = make_post(utc(2025, 10, 10), photo=True)
    recent = make_post(utc(2026, 10, 1), photo=True, title="Rentrée")
    record_read(world.parent_a, post, utc(2025, 10, 11))
    db.session.add(PostSignature(post_id=post.id, child_id=world.child_a.id, user_id=world.parent_a.id,
                                 signed_dt=utc(2025, 10, 11)))
    db.session.commit()
    assert len(file_listing(files_folder)) == 4  # two photos and their thumbnails

    post_id, recent_id = post.id, recent.id
    result = purge_category("class_content", utc(2026, 12, 1))

    assert (result.rows, result.files) == (1, 2)
    assert not exists(Post, post_id) and exists(Post, recent_id)
    assert count(Attachment) == 1 and count(PostRead) == 0 and count(PostSignature) == 0
    assert db.session.scalar(select(func.count()).select_from(PostAudience)
                             .where(PostAudience.post_id == post_id)) == 0
    remaining = db.session.scalars(select(Attachment)).one()
    assert file_listing(files_folder) == sorted(
        f"{key[:2]}/{key}" for key in (remaining.storage_key, remaining.thumbnail_key))


def test_a_child_who_left_goes_with_their_threads_and_family(world, make_thread):
    thread, message = make_thread(utc(2026, 11, 2))
    thread_id, message_id = thread.id, message.id
    ids = {name: getattr(world, name).id for name in ("child_a", "parent_a", "parent_a2", "parent_b", "child_b", "teacher_a")}
    world.child_a.left_dt = utc(2026, 11, 20)
    world.parent_a.created_dt = world.parent_a2.created_dt = utc(2024, 9, 1)
    db.session.commit()

    run_purge(utc(2027, 2, 19))  # 91 days after departure
    assert not exists(Child, ids["child_a"])
    assert not exists(Thread, thread_id) and not exists(Message, message_id)
    assert not exists(User, ids["parent_a"]) and not exists(User, ids["parent_a2"])
    # Other families and staff stay.
    assert exists(User, ids["parent_b"]) and exists(Child, ids["child_b"]) and exists(User, ids["teacher_a"])


def test_a_guardian_with_a_child_still_at_school_keeps_the_account(world):
    sibling = factories.make_child(world.city, world.class_a, "Noé", "Lefèvre", guardians=(world.parent_b,))
    world.child_b.left_dt = utc(2026, 1, 10)
    world.parent_b.created_dt = utc(2024, 9, 1)
    db.session.commit()
    child_id, parent_id, sibling_id = world.child_b.id, world.parent_b.id, sibling.id
    run_purge(utc(2026, 11, 1))
    assert not exists(Child, child_id)
    assert exists(User, parent_id) and exists(Child, sibling_id)
    assert db.session.scalar(select(func.count()).select_from(GuardianLink)
                             .where(GuardianLink.user_id == parent_id)) == 1


def test_small_batches_delete_everything_due(world, make_post):
    ids = [make_post(utc(2025, 10, day)).id for day in (1, 2, 3, 4, 5)]
    result = purge_category("class_content", utc(2026, 12, 1), batch_size=2)
    assert result.rows == 5
    assert not any(exists(Post, i) for i in ids)


def test_an_override_shortens_the_retention_the_purge_uses(world, make_post):
    post_id = make_post(utc(2025, 10, 10)).id
    purge_category("class_content", utc(2026, 9, 20))
    assert exists(Post, post_id)
    retention.set_override("class_content", 10, utc(2026, 9, 1))
    db.session.commit()
    purge_category("class_content", utc(2026, 9, 20))
    assert not exists(Post, post_id)


def _snapshot(files_folder):
    tables = {table.name: db.session.execute(select(func.count()).select_from(table)).scalar()
              for table in db.metadata.sorted_tables}
    return tables, file_listing(files_folder)


def _build_old_data(world, make_post, make_thread):
    make_post(utc(2025, 10, 10), photo=True)
    recent = make_post(utc(2026, 10, 1), photo=True, title="Rentrée")
    make_thread(utc(2025, 11, 3))
    # Told on 2 October: the event and both sends are due; a second push still to send is not.
    told_of(world.parent_a, recent, utc(2026, 10, 2))
    told_of(world.parent_a, recent, utc(2026, 10, 2), push=DeliveryStatus.PENDING)
    world.child_b.left_dt = utc(2025, 12, 1)
    world.parent_b.created_dt = utc(2024, 9, 1)
    db.session.add(ActivationCode(user_id=world.parent_b.id, code_hash="b" * 64, created_dt=utc(2025, 1, 1),
                                  expires_dt=utc(2025, 3, 1)))
    record("login.success", actor=world.parent_a, now=utc(2025, 5, 1))
    # Consent proof: a grant withdrawn in 2021 is due, the withdrawal (in force) is not.
    set_consent(world.parent_a, "city_information", True, utc(2020, 3, 1))
    set_consent(world.parent_a, "city_information", False, utc(2021, 3, 1))
    # A family erased in 2021 left a tombstone holding one record: both due.
    set_consent(world.other_parent, "city_information", True, utc(2021, 5, 1))
    erase_guardian(world.other_parent, now=utc(2021, 6, 1), actor=None)
    # A request closed in 2021 is due, an open one never.
    closed = create_request(world.parent_a, RequestKind.OTHER, "Question", utc(2021, 1, 4))
    close_request(closed, RequestStatus.REFUSED, "Non.", world.dpo, utc(2021, 1, 20))
    create_request(world.parent_a, RequestKind.OTHER, "Question", utc(2021, 2, 4))
    db.session.commit()


def test_the_dry_run_changes_no_row_and_no_file_and_says_what_it_would_delete(
        world, make_post, make_thread, runner, files_folder):
    _build_old_data(world, make_post, make_thread)
    before = _snapshot(files_folder)

    result = runner.invoke(args=["ent-lite", "purge", "--dry-run", "--now", "2026-12-01"])

    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert _snapshot(files_folder) == before
    assert "class_content: would delete 1 rows, 2 files" in result.output
    assert "conversations: would delete 1 rows" in result.output
    assert "pupil_records: would delete 1 rows" in result.output
    assert "accounts: would delete 1 rows" in result.output
    assert "security_tokens: would delete 1 rows" in result.output
    # The login, and the consents, erasure and requests of 2020-2021.
    assert "audit_log: would delete 8 rows" in result.output
    assert "consent_records: would delete 2 rows, 0 files\n    consent_record: 2\n    user_account: 1\n" \
        in result.output
    assert "rights_requests: would delete 1 rows" in result.output
    assert "notifications: would delete 4 rows, 0 files\n    notification: 1\n    notification_delivery: 3\n" \
        "    notification_event: 1\n" in result.output
    assert "not purged" not in result.output


def test_the_real_run_deletes_audits_each_category_with_counts_and_can_run_again(
        world, make_post, make_thread, runner, files_folder):
    _build_old_data(world, make_post, make_thread)
    _, files_before = _snapshot(files_folder)
    parent_b_id, other_parent_id = world.parent_b.id, world.other_parent.id

    result = runner.invoke(args=["ent-lite", "purge", "--now", "2026-12-01", "--batch-size", "1"])

    assert result.exit_code == 0, result.output
    assert "class_content: deleted 1 rows, 2 files" in result.output
    db.session.expire_all()
    assert count(Post) == 1 and count(Thread) == 0 and count(ActivationCode) == 0
    assert not exists(User, parent_b_id)
    assert len(file_listing(files_folder)) == len(files_before) - 2
    assert count(ConsentRecord) == 1 and count(RightsRequest) == 1
    assert not exists(User, other_parent_id)  # the tombstone went with its last record
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "purge.run")).all()
    details = {json.loads(e.details)["category"]: json.loads(e.details) for e in entries}
    assert len(entries) == len(details)  # one entry per category
    assert details["class_content"] == {"category": "class_content", "rows": 1, "files": 2}
    assert details["pupil_records"]["rows"] == 1 and details["accounts"]["rows"] == 1
    assert details["consent_records"] == {"category": "consent_records", "rows": 2, "files": 0, "tombstones": 1}
    assert details["rights_requests"] == {"category": "rights_requests", "rows": 1, "files": 0}
    assert details["notifications"] == {"category": "notifications", "rows": 4, "files": 0}
    assert count(Notification) == 1 and count(Delivery) == 1  # the push still to send and its item
    assert "not purged" not in result.output

    again = runner.invoke(args=["ent-lite", "purge", "--now", "2026-12-01"])
    assert again.exit_code == 0, again.output
    assert "class_content: deleted 0 rows, 0 files" in again.output
    assert "consent_records: deleted 0 rows" in again.output and "rights_requests: deleted 0 rows" in again.output
    assert count(Post) == 1 and count(ConsentRecord) == 1 and count(RightsRequest) == 1
    assert "notifications: deleted 0 rows" in again.output and count(Notification) == 1


def test_a_bad_date_is_refused(runner):
    result = runner.invoke(args=["ent-lite", "purge", "--now", "01/12/2026"])
    assert result.exit_code != 0 and "YYYY-MM-DD" in result.output


def test_form_answers_are_purged_with_their_values_one_day_past_retention(world, make_post):
    from ent_lite.forms import services as forms
    from ent_lite.forms.models import Answer, Response
    from tests.forms.conftest import builder_data

    post = make_post(utc(2026, 3, 1))
    form = forms.attach_form(post, builder_data("authorisation"), utc(2026, 3, 1))
    db.session.flush()
    response = Response(form_id=form.id, child_id=world.child_a.id, respondent_id=world.parent_a.id,
                        respondent_key=f"child:{world.child_a.id}", created_dt=utc(2026, 3, 2),
                        updated_dt=utc(2026, 3, 2))
    db.session.add(response)
    db.session.flush()
    db.session.add(Answer(response_id=response.id, question_id=form.questions[0].id, value="yes"))
    db.session.commit()
    response_id = response.id

    purge_category("form_answers", utc(2026, 11, 29))
    assert exists(Response, response_id) and count(Answer) == 1
    result = purge_category("form_answers", utc(2026, 12, 1))
    assert result.rows == 1 and result.by_table["form_answer"] == 1
    assert not exists(Response, response_id) and count(Answer) == 0
    assert exists(Post, post.id)  # the post follows its own retention
