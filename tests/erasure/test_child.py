"""Erasing a child: nothing refers to them any more, their threads and photos are gone."""
from __future__ import annotations

import json

from sqlalchemy import select

from ent_lite.audit.models import AuditEntry
from ent_lite.conversations.models import Thread
from ent_lite.core.db_types import utcnow
from ent_lite.erasure.services import erase_child
from ent_lite.extensions import db
from ent_lite.posts.models import Post
from ent_lite.school.models import Child
from tests.erasure.conftest import file_listing, foreign_keys_to, references


def test_no_table_refers_to_an_erased_child(world, family, files_folder):
    child_id = world.child_a.id
    for table, column in foreign_keys_to("child"):
        assert references(table, column, child_id) >= 1, f"no {table.name}.{column} row to erase"

    report = erase_child(world.child_a, now=utcnow(), actor=world.dpo)
    db.session.commit()
    db.session.expire_all()

    assert db.session.get(Child, child_id) is None
    for table, column in foreign_keys_to("child"):
        assert references(table, column, child_id) == 0, f"{table.name}.{column} still refers to the child"
    assert report.rows["child"] == 1 and report.rows["thread"] == 1


def test_their_threads_and_tagged_photos_are_gone_and_the_posts_text_stays(world, family, files_folder):
    thread_id, post_id = family.thread.id, family.tagged_post.id
    erase_child(world.child_a, now=utcnow(), actor=world.dpo)
    db.session.commit()
    db.session.expire_all()

    assert db.session.get(Thread, thread_id) is None
    assert db.session.get(Post, post_id).body_markdown == "Les photos."
    stored = file_listing(files_folder)
    # The thread's files (the guardian's and the teacher's) and the photos of the child.
    assert not family.guardian_files & stored
    assert not family.staff_files & stored and not family.photo_files & stored


def test_other_children_keep_everything(world, family):
    from ent_lite.conversations import services as conversations

    thread, _ = conversations.start_child_thread(world.parent_b, world.child_b, world.school.id, "Piscine",
                                                 "Léo a un certificat.", utcnow())
    db.session.commit()
    erase_child(world.child_a, now=utcnow(), actor=None)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Thread, thread.id) is not None
    assert db.session.get(Child, world.child_b.id).guardian_links


def test_one_audit_entry_with_counts_and_no_name(world, family):
    public_id, names = world.child_a.public_id, ("Awa", "Diallo")
    erase_child(world.child_a, now=utcnow(), actor=world.dpo)
    db.session.commit()
    (entry,) = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "erasure.done")).all()
    assert entry.target_ref == f"child:{public_id}"
    details = json.loads(entry.details)
    assert details["subject"] == "child" and details["rows"]["consent_record"] == 1
    assert not [n for n in names if n in entry.details]
