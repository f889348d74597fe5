"""The city's family-quotient brackets, set by the administrator.

Rules kept (``check``):
- each bracket has a label, unique in the city (case and spaces ignored);
- bounds are whole euros of monthly quotient, not negative; a lower bound is not above the
  upper one; only the lowest bracket may have no lower bound and only the highest no upper one;
- brackets do not overlap: sorted by their lower bound, each starts above the previous one's end;
- a bracket used by a price, a family's declaration or a registration (its frozen price)
  cannot be deleted (its history would lose its meaning): change its label or bounds instead.
The table is saved as a whole, so the checks see every row at once; nothing is written on error.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from ent_lite.activities.models import ActivityPrice, BracketDeclaration, QuotientBracket, Registration
from ent_lite.audit.services import record
from ent_lite.extensions import db

LOW = -1  # below every bound: "no lower bound"
MAX_QUOTIENT = 1_000_000


@dataclass
class BracketRow:
    """One row as typed: ``public_id`` None for a new bracket; a blank new row is ignored."""

    public_id: str | None
    label: str
    min_quotient: int | None
    max_quotient: int | None
    delete: bool = False

    @property
    def is_blank(self) -> bool:
        return self.public_id is None and not self.label.strip() and self.min_quotient is None \
            and self.max_quotient is None


def city_brackets(city_id: int) -> list[QuotientBracket]:
    return list(db.session.scalars(select(QuotientBracket).where(QuotientBracket.city_id == city_id)
                                   .order_by(QuotientBracket.position, QuotientBracket.id)))


def in_use(bracket_ids) -> set[int]:
    ids = sorted(set(bracket_ids))
    if not ids:
        return set()
    priced = db.session.scalars(select(ActivityPrice.bracket_id).where(ActivityPrice.bracket_id.in_(ids)))
    declared = db.session.scalars(select(BracketDeclaration.bracket_id).where(BracketDeclaration.bracket_id.in_(ids)))
    registered = db.session.scalars(select(Registration.bracket_id).where(Registration.bracket_id.in_(ids)))
    return set(priced) | set(declared) | set(registered)


def check(city_id: int, rows: list[BracketRow]) -> dict[tuple[int, str], str]:
    """{(row index, field): message}; empty when the table may be saved."""
    problems: dict[tuple[int, str], str] = {}
    existing = {b.public_id: b for b in city_brackets(city_id)}
    used = in_use(b.id for b in existing.values())
    kept = []
    labels: dict[str, int] = {}
    for index, row in enumerate(rows):
        if row.is_blank:
            continue
        if row.public_id is not None and row.public_id not in existing:
            problems[(index, "label")] = _("This bracket no longer exists: reload the page.")
            continue
        if row.delete:
            if row.public_id is not None and existing[row.public_id].id in used:
                problems[(index, "delete")] = _(
                    "Bracket %(label)s is used by activity prices, families' declarations or registrations: it "
                    "cannot be deleted. Change its label or bounds instead.", label=existing[row.public_id].label)
            continue
        label = " ".join(row.label.split())
        if not label:
            problems[(index, "label")] = _("Give the bracket a label.")
        elif len(label) > 40:
            problems[(index, "label")] = _("A label can have at most %(max)d characters.", max=40)
        elif label.casefold() in labels:
            problems[(index, "label")] = _("Two brackets cannot have the same label.")
        else:
            labels[label.casefold()] = index
        for name in ("min_quotient", "max_quotient"):
            if (getattr(row, name) or 0) < 0:
                problems[(index, name)] = _("A quotient cannot be negative.")
            elif (getattr(row, name) or 0) > MAX_QUOTIENT:
                problems[(index, name)] = _("This quotient is too high.")
        if row.min_quotient is not None and row.max_quotient is not None and row.min_quotient > row.max_quotient:
            problems[(index, "max_quotient")] = _("The upper bound must not be below the lower bound.")
        kept.append((index, row))
    _check_overlaps(kept, problems)
    return problems


def _check_overlaps(kept: list[tuple[int, BracketRow]], problems: dict) -> None:
    ordered = sorted(kept, key=lambda item: (LOW if item[1].min_quotient is None else item[1].min_quotient))
    for (_before_index, before), (index, after) in zip(ordered, ordered[1:]):
        if (index, "min_quotient") in problems:
            continue
        if after.min_quotient is None:
            problems[(index, "min_quotient")] = _("Only the lowest bracket may have no lower bound.")
        elif before.max_quotient is None:
            problems[(index, "min_quotient")] = _(
                "This bracket overlaps bracket %(label)s, which has no upper bound.", label=before.label.strip())
        elif after.min_quotient <= before.max_quotient:
            problems[(index, "min_quotient")] = _(
                "This bracket overlaps bracket %(label)s: start it above %(max)d €.",
                label=before.label.strip(), max=before.max_quotient)


def save(admin, rows: list[BracketRow], now: datetime) -> None:
    """Apply a checked table: delete, update, create; the order (``position``) follows the
    lower bounds, so brackets always read from the lowest quotient up.
    Flushed and audited (counts only); the caller commits."""
    existing = {b.public_id: b for b in city_brackets(admin.city_id)}
    created = updated = deleted = 0
    live = [row for row in rows if not row.is_blank]
    for row in live:
        if row.delete and row.public_id in existing:
            db.session.delete(existing[row.public_id])
            deleted += 1
    # Deletions go first: a new or renamed bracket may take a deleted one's label (unique per city).
    db.session.flush()
    kept: list[QuotientBracket] = []
    for row in live:
        if row.delete:
            continue
        bracket = existing.get(row.public_id) if row.public_id else None
        if bracket is None:
            bracket = QuotientBracket(city_id=admin.city_id)
            db.session.add(bracket)
            created += 1
        else:
            updated += 1
        bracket.label = " ".join(row.label.split())
        bracket.min_quotient, bracket.max_quotient = row.min_quotient, row.max_quotient
        kept.append(bracket)
    kept.sort(key=lambda b: LOW if b.min_quotient is None else b.min_quotient)
    for position, bracket in enumerate(kept):
        bracket.position = position
    db.session.flush()
    record("admin.brackets_update", actor=admin, now=now,
           details={"created": created, "updated": updated, "deleted": deleted})
