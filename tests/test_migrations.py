"""Migrations give exactly the models' schema, have one head, and go down and up again.

Runs on SQLite (a temporary file) and, when TEST_DATABASE_URL points at PostgreSQL, on a
separate database created on that server for this module (the main suite keeps its own).
Each test builds its own app: the shared ``app`` fixture's database is never touched.
"""
from __future__ import annotations

import os
import re
import secrets
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from ent_lite import MIGRATIONS_DIR, create_app
from ent_lite.accounts.activation import hash_code
from ent_lite.extensions import db, migrate

SECRET_KEY = "migration-test-secret-" + "y" * 40
VERSION_TABLE = "alembic_version"


def _backends() -> list[str]:
    backends = ["sqlite"]
    if os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"):
        backends.append("postgresql")
    return backends


@pytest.fixture(params=_backends())
def database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/migrations.sqlite3"
        return
    server_url = sa.make_url(os.environ["TEST_DATABASE_URL"])
    name = f"ent_lite_migrations_{secrets.token_hex(6)}"
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield server_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def migration_app(database_url):
    """An app of its own on the empty database, with Alembic configured as `flask db` does."""
    application = create_app(
        {"ENT_LITE_ENV": "test", "SECRET_KEY": SECRET_KEY, "SQLALCHEMY_DATABASE_URI": database_url}
    )
    with application.app_context():
        yield application
        db.session.remove()
        db.engine.dispose()


def _alembic_config():
    config = migrate.get_config()
    # pytest owns logging: env.py must not reconfigure it.
    config.attributes["configure_logger"] = False
    return config


def _schema_differences() -> list:
    options = {
        key: value
        for key, value in migrate.alembic_ctx_kwargs.items()
        if key in ("compare_type", "compare_server_default", "render_as_batch")
    }
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts=options)
        return compare_metadata(context, db.metadata)


def _tables() -> set[str]:
    return set(sa.inspect(db.engine).get_table_names()) - {VERSION_TABLE}


def test_there_is_exactly_one_head():
    heads = ScriptDirectory(str(MIGRATIONS_DIR)).get_heads()
    assert len(heads) == 1, f"several heads, merge them: {heads}"


def test_migrations_never_import_application_code():
    """Migrations must keep working when the models they were written from change."""
    for path in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        text = path.read_text()
        assert not re.search(r"^\s*(from|import)\s+ent_lite", text, re.MULTILINE), path.name
        compile(text, str(path), "exec")


def test_upgrade_from_empty_gives_exactly_the_models_schema(migration_app):
    assert _tables() == set()
    command.upgrade(_alembic_config(), "head")

    assert _tables() == set(db.metadata.tables)
    assert _schema_differences() == []


def test_downgrade_to_base_removes_every_table_and_upgrade_works_again(migration_app):
    config = _alembic_config()
    command.upgrade(config, "head")

    command.downgrade(config, "base")
    assert _tables() == set()

    command.upgrade(config, "head")
    assert _schema_differences() == []


def test_each_migration_goes_down_and_up_again(migration_app):
    config = _alembic_config()
    script = ScriptDirectory.from_config(config)
    revisions = list(reversed(list(script.walk_revisions("base", "heads"))))
    for revision in revisions:
        command.upgrade(config, revision.revision)
        command.downgrade(config, revision.down_revision or "base")
        command.upgrade(config, revision.revision)
    assert _schema_differences() == []


def test_autogenerate_finds_nothing_to_do_after_upgrade(migration_app):
    """`flask db migrate` on an up-to-date database writes no migration (custom types included)."""
    config = _alembic_config()
    command.upgrade(config, "head")
    before = set(os.listdir(MIGRATIONS_DIR / "versions"))

    command.check(config)  # raises when autogenerate would produce operations

    assert set(os.listdir(MIGRATIONS_DIR / "versions")) == before


def test_the_hardening_migration_carries_existing_rows_over(migration_app, tmp_path):
    """0005: printed activation codes keep working, a duplicate export of a day goes with its file,
    and each request to the DPO gets its requester's city."""
    config = _alembic_config()
    command.upgrade(config, "0004")
    now = datetime(2026, 12, 1, 22, 30, tzinfo=UTC)  # 23:30 in Paris: still 1 December there
    migration_app.config["FILES_PATH"] = str(tmp_path)
    (tmp_path / "ab").mkdir()
    duplicate_file = tmp_path / "ab" / "ab-second.zip"
    duplicate_file.write_bytes(b"zip")
    user = {"public_id": "u" * 22, "role": "guardian", "first_name": "Lou", "last_name": "Martin",
            "session_nonce": "n", "is_enabled": True, "created_dt": now}
    with db.engine.begin() as connection:
        connection.execute(sa.text("INSERT INTO city (id, public_id, name) VALUES (1, :p, 'Ville'), (2, :q, 'Autre')"),
                           {"p": "c" * 22, "q": "d" * 22})
        connection.execute(sa.text(
            "INSERT INTO user_account (id, public_id, city_id, role, first_name, last_name, session_nonce, "
            "is_enabled, created_dt) VALUES (7, :public_id, 2, :role, :first_name, :last_name, :session_nonce, "
            ":is_enabled, :created_dt)"), user)
        connection.execute(sa.text(
            "INSERT INTO activation_code (user_id, code, created_dt, expires_dt) VALUES (7, 'ABCDEFGHJKMN', :n, :n)"),
            {"n": now})
        for key, moment in (("ab-first.zip", now), ("ab-second.zip", now + timedelta(minutes=20))):
            connection.execute(sa.text(
                "INSERT INTO data_export (public_id, user_id, created_dt, expires_dt, storage_key, size) "
                "VALUES (:p, 7, :c, :c, :k, 3)"), {"p": key.ljust(22, "x")[:22], "c": moment, "k": key})
        for public_id, requester in (("r" * 22, 7), ("s" * 22, None)):
            connection.execute(sa.text(
                "INSERT INTO rights_request (public_id, kind, requester_id, message, received_dt, due_dt, status) "
                "VALUES (:p, 'access', :r, '', :n, :n, 'open')"), {"p": public_id, "r": requester, "n": now})

    command.upgrade(config, "head")

    with db.engine.connect() as connection:
        stored = connection.execute(sa.text("SELECT code_hash FROM activation_code")).scalar_one()
        exports = connection.execute(sa.text("SELECT storage_key, export_day FROM data_export")).all()
        cities = dict(connection.execute(sa.text("SELECT public_id, city_id FROM rights_request")).all())
    assert stored == hash_code("ABCD-EFGH-JKMN")  # the letter already printed still activates
    assert [(key, str(day)) for key, day in exports] == [("ab-first.zip", "2026-12-01")]
    assert not duplicate_file.exists()
    assert cities == {"r" * 22: 2, "s" * 22: 1}


def test_0009_keeps_the_rules_and_a_deleted_post_detaches_its_rule(migration_app):
    """0009: the stored audience rules are carried over, and the database itself (PostgreSQL,
    or SQLite enforcing foreign keys) sets a deleted post's rule's post_id to null instead of
    deleting the rule its cancelled event still uses."""
    from ent_lite.audience.models import AudienceRule
    from ent_lite.posts.models import Post
    from tests import factories

    config = _alembic_config()
    command.upgrade(config, "0008")
    with db.engine.begin() as connection:
        connection.execute(sa.text("INSERT INTO city (id, public_id, name) VALUES (1, :p, 'Ville')"), {"p": "c" * 22})
        connection.execute(sa.text("INSERT INTO audience_rule (id, city_id, min_age, created_dt) "
                                   "VALUES (5, 1, 6, :n)"), {"n": datetime(2026, 12, 1, tzinfo=UTC)})

    command.upgrade(config, "head")

    city = db.session.get(factories.City, 1)
    service = factories.make_school(city, "Service Enfance")
    post = Post(establishment_id=service.id, title="Fête", body_markdown="", body_html="")
    db.session.add(post)
    db.session.flush()
    rule = AudienceRule(city_id=city.id, post_id=post.id, min_age=3)
    db.session.add(rule)
    db.session.commit()
    post_id, rule_id = post.id, rule.id
    db.session.remove()
    with db.engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        connection.execute(sa.text("DELETE FROM post WHERE id = :id"), {"id": post_id})
    with db.engine.connect() as connection:
        rules = connection.execute(sa.text("SELECT id, post_id, min_age FROM audience_rule ORDER BY id")).all()
    assert {tuple(row) for row in rules} == {(5, None, 6), (rule_id, None, 3)}
