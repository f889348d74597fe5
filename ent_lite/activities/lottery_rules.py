"""The published draw, as plain functions of published data: anyone can re-run it.

The rule kept: the draw order and the placements follow from the published result alone
(the seed, each ticket with its priority tier and ranked stays, each stay's places), with no
database and nothing secret, so a family, a journalist or an auditor can check it by hand or
in any language:

1. for each ticket compute ``sha256("<seed>:<ticket>")`` as lowercase hexadecimal;
2. sort the tickets by (tier, that hexadecimal string): tier 0 first, and within a tier the
   smaller hash first (plain string order of the hex digits);
3. go through the tickets in that order: each child gets the best-ranked of their stays that
   still has a free place (one place per child); a child left without one waits on each of
   their stays, in that same order.

The seed is drawn at random at the draw (``secrets.token_hex(16)``), after the requests are
closed, so nobody could choose a ticket that wins; the tickets are random too.
"""
from __future__ import annotations

import hashlib
import secrets

from flask_babel import lazy_gettext as _l

ALGORITHM = "sha256(seed:ticket), sorted by (tier, hash); best-ranked stay with a free place"
# No 0/O, 1/I/L: a ticket read aloud or copied by hand stays right.
TICKET_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
TICKET_LENGTH = 8


def new_ticket(rng=secrets) -> str:
    """A random ticket shown as two groups of four ("K7F3-2QX9"). Families' tickets use
    ``secrets``; only the demo passes its own seeded ``random.Random`` to stay the same."""
    raw = "".join(rng.choice(TICKET_ALPHABET) for _ in range(TICKET_LENGTH))
    return f"{raw[:4]}-{raw[4:]}"


def ticket_hash(seed: str, ticket: str) -> str:
    return hashlib.sha256(f"{seed}:{ticket}".encode()).hexdigest()


def draw_order(seed: str, tiers: dict[str, int]) -> list[str]:
    """The tickets in draw order: by tier, then by ``sha256("<seed>:<ticket>")``."""
    return sorted(tiers, key=lambda ticket: (tiers[ticket], ticket_hash(seed, ticket)))


def placements(order: list[str], choices: dict[str, list[str]], capacities: dict[str, int]) -> dict[str, str | None]:
    """Each ticket's stay (its best-ranked one with a free place when its turn comes), or None."""
    free = dict(capacities)
    placed: dict[str, str | None] = {}
    for ticket in order:
        placed[ticket] = None
        for stay in choices.get(ticket, []):
            if free.get(stay, 0) > 0:
                free[stay] -= 1
                placed[ticket] = stay
                break
    return placed


def rerun(published: dict) -> list[str]:
    """The draw order recomputed from a published result (``Campaign.result_json``)."""
    return draw_order(published["seed"], {entry["ticket"]: entry["tier"] for entry in published["entries"]})


def rerun_placements(published: dict) -> dict[str, str | None]:
    """Each ticket's stay recomputed from a published result: compare with its "placed" values."""
    choices = {entry["ticket"]: entry["choices"] for entry in published["entries"]}
    return placements(rerun(published), choices, published["capacities"])


# The published priority rules: the text families read, in plain words. The tier function of
# each lives in ``lottery`` (it reads the database); the tiers themselves are published.
PRIORITY_RULES = {
    "no_activity_then_bracket": (
        _l("Children with no confirmed activity yet this school year come first."),
        _l("Then the other children, by the family-quotient bracket a parent or guardian declared "
           "for the year: the lowest bracket first."),
        _l("Children whose family declared no bracket come after them."),
        _l("Within each group, the order is drawn by lot."),
    ),
    "lot_only": (
        _l("Every child has the same chance: the order is drawn by lot."),
    ),
}
DEFAULT_RULES = "no_activity_then_bracket"


def rules_lines(key: str) -> tuple:
    return PRIORITY_RULES.get(key, PRIORITY_RULES[DEFAULT_RULES])
