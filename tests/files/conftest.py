"""Fixtures for photos and files: uploads, the storage, a class post."""
from __future__ import annotations

import io

import pytest
from werkzeug.datastructures import FileStorage

from ent_lite.audience import keys
from ent_lite.core.db_types import utcnow
from ent_lite.files import services
from ent_lite.files.storage import get_storage
from ent_lite.posts import services as post_services


@pytest.fixture
def request_ctx(app, db):
    """A request in English, so refusal messages read as their source text."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


def upload(data: bytes, filename: str | None, content_type: str = "application/octet-stream") -> FileStorage:
    return FileStorage(io.BytesIO(data), filename=filename, content_type=content_type)


@pytest.fixture
def storage(app, db):
    return get_storage()


@pytest.fixture
def store(app, world):
    """Store one upload as Claire (teacher of class A); linked to ``post`` when given, committed."""

    def _store(data: bytes, filename: str, post=None, uploader=None, message=None):
        with app.test_request_context(headers={"Accept-Language": "en"}):
            attachment = services.store_upload(upload(data, filename), uploader or world.teacher_a, utcnow())
            attachment.post_id = post.id if post is not None else None
            attachment.message_id = message.id if message is not None else None
            services.db.session.commit()
        return attachment

    return _store


@pytest.fixture
def class_post(world, db):
    """Claire's post to class A, which child_a (parents parent_a and parent_a2) is in."""
    post = post_services.create_post(world.teacher_a, "Sortie au musée", "Photos de la sortie.",
                                     [keys.group_key(world.class_a.id)], utcnow())
    db.session.commit()
    return post
