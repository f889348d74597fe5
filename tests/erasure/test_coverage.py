"""No feature is forgotten: every foreign key to a user or a child has an erasure handler or
is a documented legal hold (STYLE.md habit 7)."""
from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, MetaData, Table

import ent_lite.erasure  # noqa: F401  (connects every feature's handlers)
from ent_lite.erasure.signals import COVERED, LEGAL_HOLDS, uncovered_references
from ent_lite.extensions import db


def test_every_reference_to_a_user_or_a_child_has_a_handler_or_a_hold(app):
    assert uncovered_references(db.metadata) == {}


def test_a_new_table_pointing_at_a_user_without_a_handler_is_reported():
    metadata = MetaData()
    Table("user_account", metadata, Column("id", Integer, primary_key=True))
    Table("child", metadata, Column("id", Integer, primary_key=True))
    Table("homework_note", metadata, Column("id", Integer, primary_key=True),
          Column("author_id", ForeignKey("user_account.id")), Column("child_id", ForeignKey("child.id")))
    assert uncovered_references(metadata) == {"user_account": ["homework_note.author_id"],
                                              "child": ["homework_note.child_id"]}


def test_handlers_and_holds_name_only_real_foreign_keys(app):
    real = {name: set() for name in COVERED}
    for table in db.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table.name in real:
                real[fk.column.table.name].add(f"{table.name}.{fk.parent.name}")
    for referenced in COVERED:
        assert COVERED[referenced] <= real[referenced]
        assert set(LEGAL_HOLDS[referenced]) <= real[referenced]
        assert not COVERED[referenced] & set(LEGAL_HOLDS[referenced])

