"""Every foreign key has an index led by its column, and no index repeats the start of another.

Erasing a user, a child or a post makes the database find the rows that point at it (ON DELETE
and the app's own deletes): without an index whose first column is the referencing column, each
such delete reads the whole referencing table, 100,000 children's worth in a large city. An
index on (post_id) next to a unique (post_id, user_id) finds nothing the unique one does not,
and every insert pays for it.

Read from the models' metadata; tests/test_migrations.py holds the migrated schema to it.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from ent_lite.extensions import db


@dataclass(frozen=True)
class Key:
    """Anything backed by a B-tree on a table: its primary key, a unique constraint, an index."""

    name: str
    columns: tuple[str, ...]
    is_unique: bool
    is_plain_index: bool  # a non-unique index: there only for lookups, so it may be redundant
    is_partial: bool  # covers only some rows (a WHERE clause): cannot stand in for a full index


def _column_names(expressions) -> tuple[str, ...]:
    return tuple(getattr(expression, "name", None) or str(expression) for expression in expressions)


def _keys(table: sa.Table) -> list[Key]:
    keys = []
    if table.primary_key.columns:
        keys.append(Key(f"{table.name} primary key", _column_names(table.primary_key.columns), True, False, False))
    for constraint in table.constraints:
        if isinstance(constraint, sa.UniqueConstraint):
            keys.append(Key(constraint.name, _column_names(constraint.columns), True, False, False))
    for index in table.indexes:
        is_partial = any(name.endswith("_where") and value is not None for name, value in index.dialect_kwargs.items())
        keys.append(Key(index.name, _column_names(index.expressions), index.unique, not index.unique, is_partial))
    return keys


def _tables() -> list[sa.Table]:
    # The tests below would pass on a metadata that some models never reached.
    assert {"user_account", "child", "post", "post_read", "thread", "message"} <= set(db.metadata.tables)
    return sorted(db.metadata.tables.values(), key=lambda table: table.name)


def test_every_foreign_key_leads_an_index(app):
    unindexed = []
    for table in _tables():
        full_keys = [key for key in _keys(table) if not key.is_partial]
        for foreign_key in table.foreign_key_constraints:
            columns = set(_column_names(foreign_key.columns))
            if not any(set(key.columns[: len(columns)]) == columns for key in full_keys):
                unindexed.append(
                    f"{table.name}({', '.join(sorted(columns))}) -> {foreign_key.referred_table.name}"
                )

    assert not unindexed, (
        "deleting a referenced row reads the whole table for each of these: give the column "
        "index=True, or lead an index or unique constraint with it:\n" + "\n".join(unindexed)
    )


def test_no_index_repeats_the_start_of_another_key(app):
    redundant = []
    for table in _tables():
        keys = _keys(table)
        for key in keys:
            if key.is_partial:
                continue  # its WHERE clause makes it a different index
            for other in keys:
                if other is key or other.is_partial or other.columns[: len(key.columns)] != key.columns:
                    continue
                # A plain index is redundant next to any key it starts; a unique one only next to
                # a unique key on the same columns (unique on a prefix is a stronger rule).
                if key.is_plain_index or (other.is_unique and other.columns == key.columns):
                    redundant.append(f"{key.name} {key.columns} repeats {other.name} {other.columns}")

    assert not redundant, "these indexes find nothing the other key does not, drop them:\n" + "\n".join(redundant)
