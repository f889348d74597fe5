"""Aliases of models built once per process, not once per statement.

``aliased(Model)`` is cheap to create but copies every column of its table (with their
foreign keys) the first time a statement uses it: about 1 ms a table, several times a page,
on statements that otherwise cost a few tenths of a millisecond to build. An alias holds no
state of its own between statements and renders under an anonymous name each statement
numbers, so one per (model, purpose) serves every request.

Use one only inside the subqueries of the statement that asks for it: the same alias in an
outer query and in one of its subqueries would correlate them.
"""
from __future__ import annotations

from functools import cache

from sqlalchemy.orm import aliased


@cache
def alias_of(model, purpose: str = ""):
    """The process's alias of ``model`` for ``purpose`` (two aliases of one model in a
    statement need two purposes)."""
    return aliased(model)
