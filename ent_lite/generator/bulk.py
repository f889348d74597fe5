"""Bulk writing shared by the generator and the benches: Core inserts of lists of dicts.

Core inserts on the tables (not the mapped classes) skip the ORM's per-row bookkeeping; the
columns' Python defaults still apply. Every dict of one call must have the same keys.
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import insert, text

from ent_lite.extensions import db

BATCH = 2000


def bulk(model, rows: list[dict]) -> list[int]:
    """Insert rows and return their ids, in order."""
    table = model.__table__
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    ids: list[int] = []
    for start in range(0, len(rows), BATCH):
        ids += db.session.execute(statement, rows[start:start + BATCH]).scalars().all()
    return ids


class Writer:
    """Rows of one table written as they come, a batch at a time, when nothing needs their
    ids (reads, answers, messages): millions of rows never sit in memory at once."""

    def __init__(self, model, batch: int = 20_000):
        self.statement = insert(model.__table__)
        self.batch = batch
        self.rows: list[dict] = []
        self.count = 0

    def add(self, row: dict) -> None:
        self.rows.append(row)
        if len(self.rows) >= self.batch:
            self.flush()

    def extend(self, rows: Iterable[dict]) -> None:
        for row in rows:
            self.add(row)

    def flush(self) -> int:
        if self.rows:
            db.session.execute(self.statement, self.rows)
            self.count += len(self.rows)
            self.rows = []
        return self.count


def analyze() -> None:
    """The planner's statistics, as autovacuum gathers them after a bulk load (without them
    PostgreSQL plans for empty tables: nested loops over 7,000 children). SQLite's planner
    reads its own ANALYZE statistics (sqlite_stat1) the same way."""
    db.session.execute(text("ANALYZE"))
    db.session.commit()
