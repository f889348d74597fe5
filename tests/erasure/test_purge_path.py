"""The purge deletes families and departed children through the erasure service."""
from __future__ import annotations

import io
from datetime import datetime, timezone

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from ent_lite.accounts.models import User
from ent_lite.audience import keys
from ent_lite.audit.models import AuditEntry
from ent_lite.consents.models import ConsentRecord
from ent_lite.consents.services import set_consent
from ent_lite.erasure.services import TOMBSTONE_ROLE
from ent_lite.extensions import db
from ent_lite.files import services as files
from ent_lite.posts import services as posts
from ent_lite.posts.photo_tags import set_tags
from ent_lite.privacy.purge import run_purge
from ent_lite.school.models import Child
from tests.erasure.conftest import file_listing, png


def utc(year, month, day):
    return datetime(year, month, day, 12, tzinfo=timezone.utc)


def test_a_departed_family_is_erased_keeping_held_consents_and_the_childs_photos_go(app, world, files_folder):
    when = utc(2026, 10, 1)
    set_consent(world.parent_b, "city_information", True, when)
    post = posts.create_post(world.teacher_b, "Piscine", "Photos.", [keys.group_key(world.class_b.id)], when)
    set_tags(post, [world.child_b])
    with app.test_request_context(headers={"Accept-Language": "en"}):
        photo = files.store_upload(FileStorage(io.BytesIO(png()), filename="p.png"), world.teacher_b, when)
        photo.post_id = post.id
    world.child_b.left_dt = utc(2026, 10, 10)
    world.parent_b.created_dt = utc(2024, 9, 1)
    db.session.commit()
    parent_id, child_id = world.parent_b.id, world.child_b.id
    assert file_listing(files_folder)

    run_purge(utc(2027, 1, 9))  # 91 days after the departure

    db.session.expire_all()
    assert db.session.get(Child, child_id) is None
    assert file_listing(files_folder) == set()  # the photo tagged with the child went with them
    tombstone = db.session.get(User, parent_id)
    assert tombstone.role == TOMBSTONE_ROLE and tombstone.email is None and tombstone.last_name == ""
    assert db.session.scalars(select(ConsentRecord.purpose).where(ConsentRecord.guardian_id == parent_id)).all() \
        == ["city_information"]
    erasures = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "erasure.done")).all()
    assert len(erasures) == 2  # the child, then the guardian

    run_purge(utc(2027, 1, 10))  # the tombstone is not erased again
    assert len(db.session.scalars(select(AuditEntry).where(AuditEntry.action == "erasure.done")).all()) == 2
