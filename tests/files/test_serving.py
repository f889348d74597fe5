"""Files are served only to readers of their post or message, with safe headers (PRIVACY.md 27, 31)."""
from __future__ import annotations

import io
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from PIL import Image

from ent_lite import rules
from ent_lite.audience import keys
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.posts import services as post_services
from tests.files import images

FILE_CSP = "default-src 'none'; sandbox"


@pytest.fixture
def photo(store, class_post):
    return store(images.camera_jpeg((2000, 1500)), "IMG_2041.jpg", post=class_post)


@pytest.fixture
def document(store, class_post):
    return store(images.PDF, "Sortie à l'école.pdf", post=class_post)


def url(attachment, thumb=False) -> str:
    return f"/files/{attachment.public_id}" + ("/thumb" if thumb else "")


def assert_safe_headers(response) -> None:
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == FILE_CSP
    assert "no-store" in response.headers["Cache-Control"]


def test_a_guardian_of_the_class_sees_the_photo_without_its_metadata(world, photo, login_as, client):
    login_as(world.parent_a)
    response = client.get(url(photo))
    assert response.status_code == 200
    assert response.mimetype == "image/jpeg"
    assert response.headers["Content-Disposition"] == "inline; filename=IMG_2041.jpg"
    assert_safe_headers(response)
    assert int(response.headers["Content-Length"]) == photo.size_bytes
    image = Image.open(io.BytesIO(response.data))
    assert image.size == (1200, 1600) and not image.getexif()
    assert b"Exif" not in response.data and images.COMMENT not in response.data


def test_the_thumbnail_is_a_webp(world, photo, login_as, client):
    login_as(world.parent_a2)
    response = client.get(url(photo, thumb=True))
    assert response.status_code == 200
    assert response.mimetype == "image/webp"
    assert response.headers["Content-Disposition"] == "inline; filename=IMG_2041.webp"
    assert_safe_headers(response)
    assert Image.open(io.BytesIO(response.data)).size == (240, 320)


def test_a_pdf_is_downloaded_with_a_safe_non_ascii_name(world, document, login_as, client):
    login_as(world.parent_a)
    response = client.get(url(document))
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''Sortie%20%C3%A0%20l%27%C3%A9cole.pdf" in disposition
    assert all(ord(c) < 128 for c in disposition)
    assert_safe_headers(response)
    assert response.data.startswith(b"%PDF-") and len(response.data) == document.size_bytes
    assert client.get(url(document, thumb=True)).status_code == 404  # a PDF has no thumbnail


def test_the_author_sees_their_files(world, photo, document, login_as, client):
    login_as(world.teacher_a)
    for path in (url(photo), url(photo, thumb=True), url(document)):
        assert client.get(path).status_code == 200


@pytest.mark.parametrize("who", ["other_parent", "parent_b", "other_teacher", "teacher_b", "animator",
                                 "city_agent", "admin", "dpo"])
def test_anyone_who_may_not_read_the_post_gets_404(world, photo, document, login_as, client, who):
    login_as(getattr(world, who))
    for path in (url(photo), url(photo, thumb=True), url(document)):
        response = client.get(path)
        assert response.status_code == 404, (who, path)
        assert response.mimetype == "text/html"


def test_the_director_of_the_school_reads_class_files(world, photo, login_as, client):
    login_as(world.director)
    assert client.get(url(photo)).status_code == 200


def test_anonymous_visitors_are_sent_to_login(world, photo, client):
    for path in (url(photo), url(photo, thumb=True)):
        response = client.get(path)
        assert response.status_code == 302
        assert urlsplit(response.headers["Location"]).path == "/login"


def test_unknown_ids_are_404(world, photo, login_as, client):
    login_as(world.parent_a)
    assert client.get("/files/" + "x" * 22).status_code == 404
    assert client.get("/files/" + "x" * 300).status_code == 404
    assert client.get("/files/" + photo.storage_key).status_code == 404  # stored names are not ids


def test_a_missing_stored_file_is_404_not_500(world, photo, storage, login_as, client):
    storage.delete(photo.storage_key)
    login_as(world.parent_a)
    assert client.get(url(photo)).status_code == 404


def test_photos_of_a_scheduled_post_wait_for_its_publication(world, store, login_as, client):
    post = post_services.create_post(world.teacher_a, "Spectacle", "Photos demain.",
                                     [keys.group_key(world.class_a.id)], utcnow())
    post.published_dt = utcnow() + timedelta(days=1)
    db.session.commit()
    photo = store(images.small_jpeg(), "spectacle.jpg", post=post)
    login_as(world.parent_a)
    assert client.get(url(photo)).status_code == 404
    login_as(world.teacher_a)
    assert client.get(url(photo)).status_code == 200


def test_an_unlinked_upload_is_only_its_uploaders(world, store, login_as, client):
    orphan = store(images.small_jpeg(), "brouillon.jpg")
    assert not rules.can_read_attachment(world.teacher_b, orphan)
    login_as(world.parent_a)
    assert client.get(url(orphan)).status_code == 404
    login_as(world.teacher_a)
    assert client.get(url(orphan)).status_code == 200


def test_message_files_follow_the_thread(world, store, login_as, client):
    from ent_lite.conversations import services as conversation_services

    thread, message = conversation_services.start_child_thread(
        world.teacher_a, world.child_a, world.school.id, "Lunettes", "Voici la photo.", utcnow())
    db.session.commit()
    attachment = store(images.small_jpeg(), "lunettes.jpg", message=message)
    for reader in (world.teacher_a, world.director, world.parent_a, world.parent_a2):
        assert rules.can_read_attachment(reader, attachment), reader.first_name
    for outsider in (world.parent_b, world.other_parent, world.teacher_b, world.animator, world.admin, world.dpo):
        assert not rules.can_read_attachment(outsider, attachment), outsider.first_name
    login_as(world.other_parent)
    assert client.get(url(attachment)).status_code == 404
    login_as(world.parent_a2)
    assert client.get(url(attachment)).status_code == 200

    message.withdrawn_dt = utcnow()
    db.session.commit()
    assert client.get(url(attachment)).status_code == 404
