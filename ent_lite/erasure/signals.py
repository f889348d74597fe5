"""The erasure signals, and which foreign keys their handlers answer for.

A feature connects a handler with ``@erasure_handler("user", "table.column", ...)`` (or
``"child"``) naming every reference to ``user_account`` (or ``child``) it clears; the test in
tests/erasure walks the foreign keys and fails on a reference that no handler names and
``LEGAL_HOLDS`` does not keep. Handlers live in each feature's ``erasure.py``, imported with
the app (ent_lite.hooks).

A handler is called inside the caller's transaction as ``handler(user, now=...,
shared_child_ids=..., actor=...)`` (the guardian's children who keep another guardian, computed
before any handler runs: handlers are called in no fixed order; the DPO erasing, or None from
the command line) or ``handler(child, now=..., actor=...)``. It
deletes or anonymises its own rows (flush only) and returns ``{table name: rows, "files": n}``.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from blinker import Namespace

_signals = Namespace()

# Sent with the guardian (a User) about to be erased; then the service removes the row.
erasing_user = _signals.signal("erasing-user")
# Sent with the Child about to be erased; then the service removes the row.
erasing_child = _signals.signal("erasing-child")

FILES = "files"

# "table.column" references each signal's handlers clear.
COVERED: dict[str, set[str]] = {"user_account": set(), "child": set()}

# References erasure deliberately leaves, and why (see the table in ent_lite/erasure/__init__.py).
LEGAL_HOLDS: dict[str, dict[str, str]] = {
    "user_account": {
        "consent_record.guardian_id": (
            "proof of consent, kept for the 5-year limitation period (consent_records retention); "
            "it then points at a tombstone account that holds no name, email or password"
        ),
    },
    "child": {},
}


@dataclass(frozen=True)
class Declared:
    """A handler as its decorator declared it: the signal it must receive and what it clears."""

    signal: object
    handler: Callable
    references: tuple[str, ...]


# Every declared handler per referenced table, so a test can check that each one is connected
# and clears, on its own, every reference it names (a name alone would satisfy COVERED).
DECLARED: dict[str, list[Declared]] = {"user_account": [], "child": []}


def _connector(signal, referenced: str, references: tuple[str, ...]) -> Callable:
    def decorator(handler: Callable) -> Callable:
        COVERED[referenced].update(references)
        DECLARED[referenced].append(Declared(signal, handler, references))
        # Strong reference: handlers are module functions, connected once at import.
        signal.connect(handler, weak=False)
        return handler

    return decorator


# Who a handler erases: its signal and the table its references point at.
_SUBJECTS = {"user": (erasing_user, "user_account"), "child": (erasing_child, "child")}


def erasure_handler(on: str, *references: str) -> Callable:
    """Connect a handler erasing a guardian (``on="user"``) or a child (``on="child"``)."""
    signal, referenced = _SUBJECTS[on]
    return _connector(signal, referenced, references)


def uncovered_references(metadata) -> dict[str, list[str]]:
    """{referenced table: ["table.column", ...]} of the foreign keys to a user or a child that no
    handler clears and no hold keeps: each is a feature erasure would forget."""
    found: dict[str, list[str]] = {name: [] for name in COVERED}
    for table in metadata.sorted_tables:
        for fk in table.foreign_keys:
            referenced = fk.column.table.name
            name = f"{table.name}.{fk.parent.name}"
            if referenced in found and name not in COVERED[referenced] | set(LEGAL_HOLDS[referenced]):
                found[referenced].append(name)
    return {key: names for key, names in found.items() if names}
