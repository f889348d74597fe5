"""Builders for the retention and purge tests: items dated explicitly, through the real services."""
from __future__ import annotations

import io
from datetime import datetime, timezone

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage

from ent_lite.audience import keys
from ent_lite.conversations import services as conversations
from ent_lite.extensions import db
from ent_lite.files import services as files
from ent_lite.posts import services as posts


def utc(year: int, month: int, day: int, hour: int = 12) -> datetime:
    return datetime(year, month, day, hour, tzinfo=timezone.utc)


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (12, 8), (20, 120, 200)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def make_post(app, world):
    """A class A post by Claire published at ``when``, with a photo when asked (committed)."""

    def _make(when: datetime, photo: bool = False, title: str = "Sortie au musée"):
        post = posts.create_post(world.teacher_a, title, "Bonjour.", [keys.group_key(world.class_a.id)], when)
        if photo:
            with app.test_request_context(headers={"Accept-Language": "en"}):
                attachment = files.store_upload(FileStorage(io.BytesIO(png()), filename="photo.png"),
                                                world.teacher_a, when)
                attachment.post_id = post.id
        db.session.commit()
        return post

    return _make


@pytest.fixture
def make_thread(world):
    """A thread from parent_a about child_a started at ``when`` (committed)."""

    def _make(when: datetime):
        thread, message = conversations.start_child_thread(
            world.parent_a, world.child_a, world.school.id, "Cantine", "Awa a oublié son gilet.", when)
        db.session.commit()
        return thread, message

    return _make


def file_listing(folder) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()) if folder.exists() else []
