"""Deleting rows with everything that references them, following the models' foreign keys.

The database's own cascades are not relied on (SQLite does not enforce them): a plan lists
the rows to delete per table and the references to set to null, and a reference that is
neither ``CASCADE`` nor ``SET NULL`` stops the plan (a feature must delete its rows first).
Stored files of deleted rows (as their features registered them, ``registry.stored_files``)
are removed once the deletion is committed, so no row ever points at a missing file.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Table, delete, select, update

from ent_lite.extensions import db
from ent_lite.files.services import delete_after_commit
from ent_lite.privacy.registry import FILE_KEYS, PURGE_OPTION


@dataclass
class Plan:
    """Rows to delete per table, and references to set to null, for a set of top rows."""

    rows: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    nulls: list[tuple[Table, str, set[int]]] = field(default_factory=list)

    def file_keys(self) -> list[str]:
        """The stored files the planned rows hold."""
        return [key for name, keys_of in FILE_KEYS.items() if self.rows.get(name)
                for key in keys_of(self.rows[name]) if key]


def table(name: str) -> Table:
    return db.metadata.tables[name]


def pk(of: Table):
    (column,) = of.primary_key.columns
    return column


def references_to(referenced: Table) -> list[tuple[Table, object, str | None]]:
    """(table, column, ON DELETE rule) of every foreign key pointing at ``referenced``."""
    found = []
    for other in db.metadata.sorted_tables:
        for fk in other.foreign_keys:
            if fk.column.table is referenced:
                found.append((other, fk.parent, (fk.ondelete or "").upper() or None))
    return found


def plan_deletion(of: Table, ids: set[int], plan: Plan | None = None) -> Plan:
    """Everything to delete with rows ``ids`` of ``of``, following the foreign keys."""
    plan = plan or Plan()
    ids = set(ids) - plan.rows[of.name]
    if not ids:
        return plan
    plan.rows[of.name] |= ids
    for other, column, ondelete in references_to(of):
        if ondelete == "SET NULL":
            plan.nulls.append((other, column.name, ids))
            continue
        child_ids = set(db.session.scalars(select(pk(other)).where(column.in_(ids))))
        if not child_ids:
            continue
        if ondelete != "CASCADE":
            raise RuntimeError(f"{other.name}.{column.name} keeps rows of {of.name} referenced")
        plan_deletion(other, child_ids, plan)
    return plan


def execute_plan(plan: Plan) -> int:
    """Apply the plan in the current transaction; returns how many files will be removed."""
    files = delete_after_commit(plan.file_keys())
    for other, column, ids in plan.nulls:
        deleted = plan.rows.get(other.name, set())
        db.session.execute(update(other).where(other.c[column].in_(ids), pk(other).notin_(deleted))
                           .values({column: None}))
    for each in reversed(db.metadata.sorted_tables):
        ids = plan.rows.get(each.name)
        if ids:
            # The retention purge is the one deletion consent records allow (with erasure).
            db.session.execute(delete(each).where(pk(each).in_(ids)).execution_options(**{PURGE_OPTION: True}))
    return files
