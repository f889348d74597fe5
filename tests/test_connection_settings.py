"""Every connection the app opens carries its database's settings (``core.database``)."""
from __future__ import annotations

from sqlalchemy import text


def test_each_connection_keeps_its_databases_settings_past_a_rollback(app, db):
    """SQLite: the write-ahead log, so readers never wait for a writer. PostgreSQL: no JIT,
    which spent seconds compiling a page's millisecond queries on a large city."""
    db.session.remove()
    db.engine.dispose()  # a new connection, not one a committed transaction already went through
    with db.engine.connect() as connection:
        for _ in range(2):  # the second time after a rollback, as every request ends
            if connection.dialect.name == "postgresql":
                assert connection.execute(text("SHOW jit")).scalar_one() == "off"
            else:
                assert connection.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
            connection.rollback()
