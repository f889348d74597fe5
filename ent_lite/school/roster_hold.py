"""Guardians the roster import holds for an administrator instead of guessing (roster_people rule 3).

A held guardian whose child is already linked to an account with the same names keeps that
link: an administrator decided before, and the roster of the next import cannot say more.
The others wait in ``RosterReview`` (one row per child and rank, updated in place at each
import so that re-importing the same file changes nothing); the rest of their row, the child
and the other guardian, is imported as usual.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from ent_lite.accounts.models import User
from ent_lite.core.text import fold
from ent_lite.extensions import db
from ent_lite.school.models import Child, RosterReview
from ent_lite.school.roster_people import Held


def settled_by_earlier_decision(held: list[Held], matches: dict[int, Child],
                                state) -> tuple[dict[tuple[int, int], User], list[Held]]:
    """({(line, rank): the account already linked}, the guardians still to decide)."""
    kept: dict[tuple[int, int], User] = {}
    waiting: list[Held] = []
    for item in held:
        child = matches.get(item.entry.line)
        linked = [state.users_by_id.get(link.user_id) for link in child.guardian_links] if child else []
        same = [u for u in linked if u is not None and (fold(u.last_name), fold(u.first_name))
                == item.guardian.name_key]
        if same:
            kept[(item.entry.line, item.guardian.rank)] = same[0]
        else:
            waiting.append(item)
    return kept, waiting


def hold_for_review(waiting: list[Held], children: dict[int, Child], listed: list[Child],
                    users: dict[tuple[int, int], User], state, now: datetime) -> int:
    """Write or refresh one review per waiting guardian; drop the stale reviews of ``listed`` children.

    Call after a flush (children and accounts have ids). Returns how many guardians wait.
    """
    ids = {child.id for child in listed}
    # By city, not by an IN list of thousands of children; reviews of other schools stay.
    existing = {(r.child_id, r.rank): r for r in db.session.scalars(
        select(RosterReview).where(RosterReview.city_id == state.city.id)) if r.child_id in ids}
    for item in waiting:
        child, guardian = children[item.entry.line], item.guardian
        candidate = users.get(item.other)
        values = {"city_id": state.city.id, "last_name": guardian.last_name, "first_name": guardian.first_name,
                  "relation": guardian.relation, "legal_authority": guardian.legal_authority,
                  "phone": guardian.phone, "candidate_id": candidate.id if candidate else None,
                  "line": item.entry.line, "school_year": state.school_year}
        review = existing.pop((child.id, guardian.rank), None)
        if review is None:
            db.session.add(RosterReview(child_id=child.id, rank=guardian.rank, created_dt=now, **values))
            continue
        for attr, value in values.items():
            if getattr(review, attr) != value:
                setattr(review, attr, value)
    for stale in existing.values():  # the row no longer holds this guardian
        db.session.delete(stale)
    return len(waiting)
