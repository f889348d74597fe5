"""Recording the SQL a block of code runs, for the tests that keep query counts constant."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from ent_lite.extensions import db


@contextmanager
def recorded_statements(engine=None) -> Iterator[list[str]]:
    """Every SQL statement run inside the block, in order, on ``engine`` (by default the app's,
    which needs an app context; pass the engine to record requests served outside one)."""
    engine = engine if engine is not None else db.engine
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)
