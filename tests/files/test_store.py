"""Storing uploads: generated names outside static, files that follow the transaction."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.files import services
from ent_lite.files.models import Attachment
from ent_lite.files.services import UploadRefused
from tests.files import images
from tests.files.conftest import upload
from tests.queries import recorded_statements


def stored_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def test_a_photo_is_stored_under_generated_names_outside_static(app, world, request_ctx, storage, files_folder):
    attachment = services.store_upload(upload(images.camera_jpeg(), "../maison/IMG_2041.jpg", "image/jpeg"),
                                       world.teacher_a, utcnow())
    db.session.commit()

    assert (attachment.kind, attachment.content_type) == ("image", "image/jpeg")
    assert attachment.display_name == "IMG_2041.jpg"
    assert (attachment.width, attachment.height) == (1200, 1600)
    assert attachment.uploader_id == world.teacher_a.id and attachment.post_id is None
    files = stored_files(files_folder)
    assert len(files) == 2  # the re-encoded photo and its thumbnail; the original is not kept
    assert all("IMG_2041" not in str(path) and "maison" not in str(path) for path in files)
    assert not any(path.is_relative_to(Path(app.static_folder)) for path in files)
    with storage.open(attachment.storage_key) as stream:
        stored = stream.read()
    assert len(stored) == attachment.size_bytes
    assert b"Exif" not in stored and images.COMMENT not in stored
    with storage.open(attachment.thumbnail_key) as stream:
        assert Image.open(io.BytesIO(stream.read())).format == "WEBP"


def test_the_browser_content_type_is_not_trusted(world, request_ctx):
    with pytest.raises(UploadRefused) as caught:
        services.store_upload(upload(images.SVG, "dessin.svg", "image/png"), world.teacher_a, utcnow())
    assert caught.value.status == 415
    assert "dessin.svg" in caught.value.message


def test_a_refused_upload_leaves_nothing(world, request_ctx, files_folder):
    with pytest.raises(UploadRefused):
        services.store_upload(upload(images.HTML, "page.html"), world.teacher_a, utcnow())
    assert stored_files(files_folder) == []
    assert db.session.query(Attachment).count() == 0


def test_files_of_an_upload_rolled_back_are_removed(world, request_ctx, storage, files_folder):
    attachment = services.store_upload(upload(images.small_jpeg(), "a.jpg"), world.teacher_a, utcnow())
    key = attachment.storage_key
    assert storage.exists(key)
    db.session.rollback()
    assert not storage.exists(key)
    assert stored_files(files_folder) == []


def test_store_uploads_skips_empty_inputs_and_keeps_nothing_when_one_is_refused(world, request_ctx, files_folder):
    now = utcnow()
    empty_input = upload(b"", "")
    stored = services.store_uploads([empty_input, upload(images.small_jpeg(), "a.jpg"), upload(images.PDF, "b.pdf")],
                                    world.teacher_a, now)
    assert [a.display_name for a in stored] == ["a.jpg", "b.pdf"]
    db.session.commit()
    before = stored_files(files_folder)

    with pytest.raises(UploadRefused) as caught:
        services.store_uploads([upload(images.small_jpeg(), "c.jpg"), upload(images.ELF, "virus.jpg")],
                               world.teacher_a, now)
    db.session.rollback()
    assert "virus.jpg" in caught.value.message
    assert stored_files(files_folder) == before
    assert db.session.query(Attachment).count() == 2


def test_store_uploads_limits_the_number_of_files(world, request_ctx):
    files = [upload(images.small_jpeg(), f"{n}.jpg") for n in range(services.MAX_FILES_PER_REQUEST + 1)]
    with pytest.raises(UploadRefused) as caught:
        services.store_uploads(files, world.teacher_a, utcnow())
    assert caught.value.status == 413


def test_the_per_file_limit_comes_from_the_settings(app, world, request_ctx, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_FILE_BYTES", 1000)
    with pytest.raises(UploadRefused) as caught:
        services.store_upload(upload(images.small_jpeg((400, 300)), "a.jpg"), world.teacher_a, utcnow())
    assert caught.value.status == 413
    assert "1,000 bytes" in caught.value.message or "1000 bytes" in caught.value.message


def test_deleted_attachment_files_go_when_the_deletion_is_committed(world, store, storage, request_ctx):
    attachment = store(images.small_jpeg(), "a.jpg")
    keys = (attachment.storage_key, attachment.thumbnail_key)

    services.delete_attachment(attachment)
    db.session.rollback()  # changed one's mind: the files must still be there
    assert all(storage.exists(key) for key in keys)

    attachment = db.session.get(Attachment, attachment.id)
    services.delete_attachment(attachment)
    assert all(storage.exists(key) for key in keys)
    db.session.commit()
    assert not any(storage.exists(key) for key in keys)
    assert db.session.get(Attachment, attachment.id) is None


def test_stored_files_deleted_after_commit_stay_on_a_rollback(world, store, storage, request_ctx):
    keys = [store(images.small_jpeg(), name).storage_key for name in ("a.jpg", "b.jpg")]

    assert services.delete_after_commit([keys[0], None, ""]) == 1
    db.session.rollback()
    db.session.commit()  # a later commit must not remove what the rollback kept
    assert all(storage.exists(key) for key in keys)

    services.delete_after_commit(keys)
    assert all(storage.exists(key) for key in keys)
    db.session.commit()
    assert not any(storage.exists(key) for key in keys)


def test_attachments_by_owner_groups_files_per_post_in_one_query(world, store, class_post, request_ctx):
    from sqlalchemy import event

    first = store(images.small_jpeg(), "1.jpg", post=class_post)
    second = store(images.PDF, "2.pdf", post=class_post)
    store(images.PDF, "unlinked.pdf")
    post_id = class_post.id
    db.session.expire_all()
    with recorded_statements() as statements:
        found = services.attachments_by_owner(post_ids=[post_id, 999], message_ids=[12345])
    assert len(statements) == 1
    assert dict(found) == {("post", post_id): [first, second]}
    assert services.attachments_by_owner() == {}


def test_delete_attachments_of_a_post(world, store, class_post, storage, request_ctx):
    attachment = store(images.small_jpeg(), "1.jpg", post=class_post)
    key = attachment.storage_key
    assert services.delete_attachments_of(post_ids=[class_post.id]) == 1
    db.session.commit()
    assert not storage.exists(key)
