"""Connection settings: SQLite's keep one slow writer from turning other requests into errors;
PostgreSQL's keep a page's few-millisecond queries from being compiled for seconds.

SQLite has one writer at a time. In its default journal mode a writer also blocks readers
while it commits, and a request that finds the database busy fails at once with "database is
locked" unless it is told to wait. With write-ahead logging, readers never wait for the
writer; with a busy timeout, a writer waits its turn (each of ours is short: uploads are
processed before the first write) instead of failing. PostgreSQL needs none of this.

PostgreSQL compiles a statement to machine code (JIT) when its estimated cost passes
``jit_above_cost``. The estimates of our recursive and audience queries grow with the city
while what they read does not: the tracking page's family count (``school.households``) was
estimated at 1.4 million on a 100,000-child city, and spent 8.8 s of its 8.8 s compiling
1,148 functions for a 25-child class. Pages run short statements, where JIT never pays: it
is off for the app's connections.
"""
from __future__ import annotations

from sqlalchemy import Engine, event


def configure_sqlite(engine: Engine, busy_timeout_seconds: float) -> None:
    """Every new connection of a SQLite ``engine`` gets WAL and the busy timeout; others are left alone."""
    if engine.dialect.name != "sqlite":
        return
    milliseconds = int(busy_timeout_seconds * 1000)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        # WAL is kept in the database file: later connections find it set already.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={milliseconds}")
        # The usual setting with WAL: a crash of the process loses nothing; a power cut may lose
        # the last commits, never the file's consistency. It spares an fsync per commit, which
        # matters for the notification worker that commits after each mail it sends.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def configure_postgresql(engine: Engine) -> None:
    """Every new connection of a PostgreSQL ``engine`` runs without JIT; others are left alone."""
    if engine.dialect.name != "postgresql":
        return

    @event.listens_for(engine, "connect")
    def _no_jit(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("SET jit = off")
        cursor.close()
        # SET is undone with its transaction: committed, it lasts the connection's life.
        dbapi_connection.commit()
