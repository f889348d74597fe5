"""INSERT ... ON CONFLICT for the two supported databases (they share the syntax).

Used wherever a double submit or two open tabs must write one row and neither fail.
"""
from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite

from ent_lite.extensions import db


def insert(model):
    """An INSERT on ``model`` offering ``on_conflict_do_nothing`` / ``on_conflict_do_update``."""
    dialect = db.session.get_bind(mapper=model.__mapper__).dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)
