"""No feature is forgotten: every foreign key to a user or a child has an erasure handler or
is a documented legal hold (STYLE.md habit 7)."""
from __future__ import annotations

import pytest
from sqlalchemy import Column, ForeignKey, Integer, MetaData, Table

from ent_lite import hooks
from ent_lite.core.db_types import utcnow
from ent_lite.erasure.services import _shared_child_ids
from ent_lite.erasure.signals import (
    COVERED,
    DECLARED,
    LEGAL_HOLDS,
    erasing_child,
    erasing_user,
    uncovered_references,
)
from ent_lite.extensions import db
from tests.erasure.conftest import references


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



# The parametrised test below lists the handlers when collected, before any app exists: load
# them as the app does.
hooks.load()
SIGNALS = {"user_account": erasing_user, "child": erasing_child}
HANDLED = [(referenced, declared.handler, reference) for referenced, handlers in DECLARED.items()
           for declared in handlers for reference in declared.references]


def test_every_declared_handler_is_connected_to_its_signal():
    """A handler named in COVERED but never connected (or connected to the other signal) would
    leave its rows behind while the coverage test above passes."""
    for referenced, handlers in DECLARED.items():
        assert handlers
        connected = set(SIGNALS[referenced].receivers_for(object()))
        for declared in handlers:
            assert declared.signal is SIGNALS[referenced]
            assert declared.handler in connected, f"{declared.handler.__qualname__} is not connected"
        assert {r for d in handlers for r in d.references} == COVERED[referenced]


@pytest.mark.parametrize("referenced, handler, reference", HANDLED,
                         ids=[f"{h.__module__.split('.')[1]}:{ref}" for _, h, ref in HANDLED])
def test_each_handler_alone_clears_each_reference_it_declares(family, world, referenced, handler, reference):
    """Run on its own, so no other handler (or a cascade it starts) hides a reference it forgets."""
    person = world.parent_a if referenced == "user_account" else world.child_a
    table_name, column = reference.split(".")
    table = db.metadata.tables[table_name]
    assert references(table, column, person.id) >= 1, (
        f"the family fixture of tests/erasure/conftest.py has no {reference} row to erase")
    if referenced == "user_account":
        handler(person, now=utcnow(), shared_child_ids=_shared_child_ids(person), actor=None)
    else:
        handler(person, now=utcnow(), actor=None)
    db.session.flush()
    assert references(table, column, person.id) == 0
