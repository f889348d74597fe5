"""Role × object matrix (PRIVACY.md 27): outside a thread, every page, action and file is 404."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from ent_lite.conversations import services
from ent_lite.conversations.models import Message, Thread
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.files import services as file_services
from ent_lite.files.models import Attachment
from ent_lite.school.models import Group, GroupKind
from tests import factories
from tests.conversations.helpers import png_bytes, start_child

CHILD_THREAD_OUTSIDERS = ["parent_b", "other_parent", "teacher_b", "other_teacher", "animator", "city_agent",
                          "admin", "dpo"]
STAFF_THREAD_OUTSIDERS = ["director", "parent_a", "other_teacher", "animator", "admin", "dpo"]


@pytest.fixture
def with_photo(world):
    """A participant's reply with a photo (through the real services); returns the Attachment."""

    def _reply(thread, author):
        message = services.add_message(thread, author, "Photo", utcnow())
        attachment = file_services.store_upload(FileStorage(io.BytesIO(png_bytes()), "photo.png"), author, utcnow())
        attachment.message_id = message.id
        db.session.commit()
        return attachment

    return _reply


def assert_everything_404(client, thread, attachment):
    message = db.session.get(Message, attachment.message_id)
    before = db.session.scalar(select(func.count(Message.id)))
    assert client.get(f"/messages/{thread.public_id}").status_code == 404
    assert client.post(f"/messages/{thread.public_id}/reply", data={"body": "Intrus"}).status_code == 404
    assert client.post(f"/messages/{thread.public_id}/withdraw/{message.public_id}").status_code == 404
    assert client.post(f"/messages/{thread.public_id}/close").status_code == 404
    assert client.get(f"/files/{attachment.public_id}").status_code == 404
    assert client.get(f"/files/{attachment.public_id}/thumb").status_code == 404
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Message.id))) == before
    assert db.session.get(Thread, thread.id).closed_dt is None and message.withdrawn_dt is None


@pytest.mark.parametrize("name", CHILD_THREAD_OUTSIDERS)
def test_outsiders_of_a_child_thread_get_404(world, periscolaire, login_as, client, child_thread, with_photo, name):
    attachment = with_photo(child_thread, world.parent_a)
    login_as(getattr(world, name))
    assert_everything_404(client, child_thread, attachment)


@pytest.mark.parametrize("name", STAFF_THREAD_OUTSIDERS)
def test_outsiders_of_a_staff_thread_get_404(world, periscolaire, login_as, client, staff_thread, with_photo, name):
    attachment = with_photo(staff_thread, world.teacher_a)
    login_as(getattr(world, name))
    assert_everything_404(client, staff_thread, attachment)


@pytest.mark.parametrize("name", ["parent_a", "parent_a2", "teacher_a", "director"])
def test_participants_of_a_child_thread_read_it_and_its_files(world, login_as, client, child_thread, with_photo, name):
    attachment = with_photo(child_thread, world.parent_a)
    login_as(getattr(world, name))
    assert client.get(f"/messages/{child_thread.public_id}").status_code == 200
    assert client.get(f"/files/{attachment.public_id}").status_code == 200


def test_a_message_of_another_thread_cannot_be_withdrawn_through_mine(world, login_as, client, child_thread,
                                                                       staff_thread):
    """The message id must belong to the thread in the URL."""
    staff_message = db.session.scalar(select(Message).where(Message.thread_id == staff_thread.id))
    login_as(world.teacher_a)
    assert client.post(f"/messages/{child_thread.public_id}/withdraw/{staff_message.public_id}").status_code == 404


def test_unknown_thread_is_404(world, login_as, client):
    login_as(world.parent_a)
    assert client.get("/messages/nope").status_code == 404


@pytest.mark.parametrize("name", ["teacher_a", "director", "other_animator", "parent_b"])
def test_outsiders_of_a_periscolaire_thread_get_404(world, periscolaire, login_as, client, with_photo, name):
    """School staff do not read the periscolaire site's threads, nor an animator of another group."""
    site, _ = periscolaire
    other_group = Group(establishment=site, kind=GroupKind.PERISCOLAIRE, name="Soir", school_year=factories.SCHOOL_YEAR)
    db.session.add(other_group)
    world.extra["other_animator"] = factories.make_user(world.city, "animator", "Sami", "Nour")
    factories.add_membership(world.extra["other_animator"], site, other_group)
    db.session.commit()
    thread, _ = start_child(world, starter=world.animator, establishment=site)
    attachment = with_photo(thread, world.parent_a2)
    login_as(world.extra.get(name) or getattr(world, name))
    assert_everything_404(client, thread, attachment)
