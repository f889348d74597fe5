"""A family with a row in every table that can refer to a guardian or a child, built through
the real services where they exist (rows no service writes for a guardian are added directly)."""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from ent_lite.accounts.activation import issue_activation_code
from ent_lite.accounts.models import Membership, RecoveryCode
from ent_lite.accounts.tokens import issue_token
from ent_lite.audience import keys
from ent_lite.consents.services import set_consent
from ent_lite.conversations import services as conversations
from ent_lite.conversations.models import ThreadMember
from ent_lite.core.db_types import utcnow
from ent_lite.dpo.services import create_request
from ent_lite.extensions import db
from ent_lite.files import services as files
from ent_lite.forms import services as forms
from ent_lite.forms.models import family_key, respondent_key
from ent_lite.posts import services as posts
from ent_lite.posts.models import PostSignature
from ent_lite.posts.photo_tags import set_tags
from ent_lite.files.storage import get_storage, new_key
from ent_lite.rights.models import DataExport
from ent_lite.school.models import RosterReview
from tests.activities.factories import build_activity_world
from tests.activities.privacy_rows import add_activity_rows
from tests.city_life.privacy_rows import add_city_life_rows
from tests.forms.conftest import builder_data
from tests.notifications.privacy_rows import add_notification_rows


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (12, 8), (20, 120, 200)).save(buffer, "PNG")
    return buffer.getvalue()


def pdf() -> bytes:
    from tests.files.images import PDF

    return PDF


def references(table, column_name: str, value: int) -> int:
    column = table.c[column_name]
    return db.session.scalar(select(func.count()).select_from(table).where(column == value))


def foreign_keys_to(name: str):
    """(table, column name) of every foreign key pointing at table ``name``."""
    return [(table, fk.parent.name) for table in db.metadata.sorted_tables
            for fk in table.foreign_keys if fk.column.table.name == name]


def file_listing(folder) -> set[str]:
    return {p.name for p in folder.rglob("*") if p.is_file()} if folder.exists() else set()


@dataclass
class Family:
    post: object
    tagged_post: object
    thread: object
    guardian_message: object
    staff_message: object
    guardian_files: set[str] = field(default_factory=set)  # the file sent in a message
    export_files: set[str] = field(default_factory=set)
    staff_files: set[str] = field(default_factory=set)
    photo_files: set[str] = field(default_factory=set)


@pytest.fixture
def family(app, world):
    """parent_a (sharing child_a with parent_a2) has done everything a guardian can."""
    now = utcnow() - timedelta(hours=1)
    guardian, child, teacher = world.parent_a, world.child_a, world.teacher_a
    class_a = [keys.group_key(world.class_a.id)]

    post = posts.create_post(teacher, "Sortie au musée", "Bonjour.", class_a, now)
    posts.record_read(guardian, post, now)
    db.session.add(PostSignature(post_id=post.id, child_id=child.id, user_id=guardian.id, signed_dt=now))

    authorisation = forms.attach_form(post, builder_data("authorisation"), now)
    db.session.flush()
    forms.save_answers(authorisation, guardian,
                       forms.AnswerTarget(key=respondent_key(child.id), can_answer=True, child_id=child.id),
                       {q.id: "yes" for q in authorisation.questions}, now)
    poll_post = posts.create_post(teacher, "Réunion", "Quelle date ?", class_a, now)
    poll = forms.attach_form(poll_post, builder_data("poll", [{"text": "Mardi ?", "kind": "yes_no"}],
                                                     answered_per="family"), now)
    db.session.flush()
    forms.save_answers(poll, guardian, forms.AnswerTarget(key=family_key([child.id]), can_answer=True),
                       {q.id: "yes" for q in poll.questions}, now)

    tagged_post = posts.create_post(teacher, "Photos", "Les photos.", class_a, now)
    set_tags(tagged_post, [child])

    thread, guardian_message = conversations.start_child_thread(
        guardian, child, world.school.id, "Cantine", "Awa a oublié son gilet bleu.", now)
    staff_message = conversations.add_message(thread, teacher, "Nous l'avons retrouvé.", now)
    conversations.mark_read(thread, guardian, now)
    thread.closed_by_id = guardian.id
    db.session.add(ThreadMember(thread_id=thread.id, user_id=guardian.id))

    with app.test_request_context(headers={"Accept-Language": "en"}):
        sent = files.store_upload(FileStorage(io.BytesIO(pdf()), filename="certificat.pdf"), guardian, now)
        sent.message_id = guardian_message.id
        reply = files.store_upload(FileStorage(io.BytesIO(png()), filename="gilet.png"), teacher, now)
        reply.message_id = staff_message.id
        photo = files.store_upload(FileStorage(io.BytesIO(png()), filename="sortie.png"), teacher, now)
        photo.post_id = tagged_post.id

        # An export as the "my data" page stores it (its content does not matter here).
        export = DataExport(user_id=guardian.id, created_dt=now, expires_dt=now + timedelta(days=2),
                            storage_key=new_key("zip"))
        get_storage().save(export.storage_key, b"PK\x05\x06" + b"\0" * 18)
        db.session.add(export)

    request = create_request(guardian, "erasure", "Fatou Diallo: merci d'effacer mon compte.", now, child=child)
    set_consent(guardian, "photo_publication", True, now, child=child, audience="class")
    set_consent(guardian, "city_information", True, now)
    issue_token(guardian, "reset", now, timedelta(hours=1))
    issue_activation_code(guardian, now, 60)
    # Rows no service writes for a guardian, so that every table refers to them once.
    db.session.add(RecoveryCode(user_id=guardian.id, code_hash="0" * 64, created_dt=now))
    db.session.add(Membership(user_id=guardian.id, establishment_id=world.school.id))
    request.handled_by_id = guardian.id
    # A namesake the roster import held on the child's row, with this guardian as the candidate.
    db.session.add(RosterReview(city_id=world.city.id, child_id=child.id, rank=2, last_name="Diallo",
                                first_name="Fatou", candidate_id=guardian.id, school_year="2026-2027"))
    written = posts.create_post(teacher, "Mot des parents", "Merci.", class_a, now)
    written.author_id = guardian.id
    # The post told to the guardian, their message told to others, their settings and device.
    add_notification_rows(guardian, post, guardian_message, now)
    db.session.commit()
    # A registration with its note, attendance and a lottery ticket; a declared bracket.
    add_activity_rows(build_activity_world(world), guardian, child, now)
    add_city_life_rows(world, guardian, child, now)

    def keys_of(*attachments):
        return {key for a in attachments for key in (a.storage_key, a.thumbnail_key) if key}

    return Family(post, tagged_post, thread, guardian_message, staff_message,
                  guardian_files=keys_of(sent), export_files={export.storage_key},
                  staff_files=keys_of(reply), photo_files=keys_of(photo))
