"""Minimisation and logs: a child record holds only what the service needs (PRIVACY.md 17),
passwords are argon2id hashes and never expire (21), logs hold no secret or message (20)."""
from __future__ import annotations

import logging
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy import Column, ForeignKey, Integer, MetaData, String, Table, Text
from sqlalchemy.exc import DBAPIError

from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.school.models import Child
from tests import factories

# Names, level (class placement), birth date (the city's leisure activities are open by age),
# the city it belongs to, and the dates that drive retention. Nothing else: no address, no
# photo, no health data on the child record.
CHILD_COLUMNS = {"id", "public_id", "city_id", "first_name", "last_name", "birth_date", "level",
                 "created_dt", "left_dt"}


def test_the_child_record_holds_only_the_agreed_fields():
    assert {column.name for column in Child.__table__.columns} == CHILD_COLUMNS


# PRIVACY.md 18: a notification says only that something waits. Its tables keep kinds, dates,
# channels and outcomes and point at the post or message they announce; none may copy what a
# post or a message says, name a child or hold an image, so that neither a mail nor a push nor
# a leak of these tables can carry it.
NOTIFICATION_TABLES = ("notification_event", "notification", "notification_delivery", "notification_preferences",
                       "push_subscription", "email_problem")
CONTENT_WORDS = ("title", "subject", "body", "text", "content", "summary", "excerpt", "preview", "payload",
                 "html", "name", "photo", "image")
NO_REFERENCE_TO = ("child", "attachment")


def content_columns(metadata: MetaData) -> list[str]:
    """Columns of the notification tables that could hold content or point at a child or a file."""
    found = []
    for name in NOTIFICATION_TABLES:
        for column in metadata.tables[name].columns:
            words = column.name.split("_")
            if (any(word in CONTENT_WORDS for word in words) or isinstance(column.type, Text)
                    or any(fk.column.table.name in NO_REFERENCE_TO for fk in column.foreign_keys)):
                found.append(f"{name}.{column.name}")
    return found


def test_the_notification_tables_hold_no_content():
    assert content_columns(db.metadata) == []


def test_a_notification_column_copying_content_is_reported():
    metadata = MetaData()
    Table("child", metadata, Column("id", Integer, primary_key=True))
    for name in NOTIFICATION_TABLES:
        Table(name, metadata, Column("id", Integer, primary_key=True))
    Table("notification", metadata, Column("post_title", String(200)), Column("excerpt", Text),
          Column("child_id", ForeignKey("child.id")), extend_existing=True)
    assert content_columns(metadata) == ["notification.post_title", "notification.excerpt", "notification.child_id"]


def test_passwords_are_stored_as_argon2id_hashes(world):
    assert world.parent_a.password_hash.startswith("$argon2id$")
    assert factories.PASSWORD not in world.parent_a.password_hash


def test_an_old_password_is_never_forced_to_change(world, login_as):
    world.parent_a.password_changed_dt = utcnow() - timedelta(days=3 * 365)
    db.session.commit()
    client = login_as(world.parent_a)
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/news")
    assert client.get("/news").status_code == 200


def test_a_database_error_is_logged_without_the_values_of_the_row(app, world, caplog):
    secret = "Message très privé sur la santé d'Awa"
    caplog.set_level(logging.DEBUG)
    try:
        # The same id as an existing child: refused by the database, with the values in hand
        # (PostgreSQL even repeats the refused row in its own message).
        db.session.execute(sa.insert(Child.__table__).values(id=world.child_a.id, public_id="p" * 22, city_id=1,
                                                             first_name=secret, last_name="x", level="CP"))
    except DBAPIError:
        app.logger.exception("unhandled error")  # what the 500 handler does
    db.session.rollback()
    assert "unhandled error" in caplog.text and "INSERT INTO child" in caplog.text
    assert secret not in caplog.text
