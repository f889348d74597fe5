"""Every upload path processes its files before the request's first database write.

Processing a batch of photos takes seconds; a write transaction opened before it would hold
the database's write lock all that time (on SQLite, other people's logins then fail). The
check watches the order of two things the request does: processing each file and running
SQL that writes.
"""
from __future__ import annotations

import io

import pytest
from sqlalchemy import event, select

from ent_lite.extensions import db
from ent_lite.files import services as file_services
from ent_lite.posts.models import Post
from tests.conversations.helpers import png_bytes, start_child

WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.fixture
def events(monkeypatch):
    """("process", name) and ("write", statement) in the order the request runs them."""
    seen: list[tuple[str, str]] = []
    process = file_services.process

    def watched_process(checked, limits):
        seen.append(("process", checked.display_name))
        return process(checked, limits)

    def record(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(WRITES):
            seen.append(("write", statement.split("(")[0][:40]))

    monkeypatch.setattr(file_services, "process", watched_process)
    event.listen(db.engine, "before_cursor_execute", record)
    yield seen
    event.remove(db.engine, "before_cursor_execute", record)


def files(n: int = 2) -> list:
    return [(io.BytesIO(png_bytes(40, 30)), f"photo-{i}.png") for i in range(n)]


def guardian_starts(world, client, events):
    return client.post("/messages/new", content_type="multipart/form-data", data={
        "subject": "Gilet", "body": "Voici les photos.", "files": files(),
        "recipient": f"{world.child_a.public_id}.{world.school.public_id}.{world.teacher_a.public_id}"})


def staff_start_about_a_child(world, client, events):
    return client.post("/messages/new", content_type="multipart/form-data", data={
        "subject": "Gilet", "body": "Voici les photos.", "files": files(),
        "child": f"{world.child_a.public_id}.{world.school.public_id}"})


def staff_start_with_colleagues(world, client, events):
    return client.post("/messages/new?with=colleagues", content_type="multipart/form-data", data={
        "subject": "Sortie", "body": "Les photos.", "files": files(),
        "members": [f"{world.school.public_id}.{world.teacher_b.public_id}"]})


def guardian_replies(world, client, events):
    thread, _ = start_child(world)
    events.clear()
    return client.post(f"/messages/{thread.public_id}/reply", content_type="multipart/form-data",
                       data={"body": "Et la suite.", "files": files()})


def staff_publish_a_post(world, client, events):
    return client.post("/news/new", content_type="multipart/form-data", data={
        "title": "Sortie", "body": "Les photos", "targets": [f"group:{world.class_a.public_id}"], "files": files()})


def staff_edit_a_post(world, client, events):
    staff_publish_a_post(world, client, events)
    events.clear()
    post = db.session.scalar(select(Post))
    return client.post(f"/news/{post.public_id}/edit", content_type="multipart/form-data", data={
        "title": "Sortie (suite)", "body": "Encore", "files": files()})


PATHS = {
    "guardian starts a thread": ("parent_a", guardian_starts),
    "staff start a thread about a child": ("teacher_a", staff_start_about_a_child),
    "staff start a thread with colleagues": ("teacher_a", staff_start_with_colleagues),
    "a reply": ("parent_a", guardian_replies),
    "a new post": ("teacher_a", staff_publish_a_post),
}


@pytest.mark.parametrize("path", sorted(PATHS))
def test_files_are_processed_before_the_first_write(world, login_as, events, path):
    who, send = PATHS[path]
    client = login_as(getattr(world, who))
    events.clear()
    response = send(world, client, events)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert_processed_first(events)


def test_files_of_an_edited_post_are_processed_before_the_first_write(world, login_as, events):
    response = staff_edit_a_post(world, login_as(world.teacher_a), events)
    assert response.status_code == 302
    assert_processed_first(events)


def assert_processed_first(events) -> None:
    kinds = [kind for kind, _ in events]
    assert kinds.count("process") == 2 and "write" in kinds
    last_processing = max(i for i, kind in enumerate(kinds) if kind == "process")
    first_write = kinds.index("write")
    assert last_processing < first_write, events
