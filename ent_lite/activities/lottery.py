"""The draw of a lottery campaign: once, after closing, in one transaction, published.

Rules kept:
- only after ``closes_dt`` (the window is ``opens_dt <= now < closes_dt``) and only once: the
  draw claims the campaign by a conditional UPDATE on ``drawn_dt IS NULL``, so of two draws at
  the same moment (two managers, the button and the command) exactly one goes ahead; on
  PostgreSQL the second UPDATE waits for the first to commit and then matches no row;
- each child's priority tier comes from the campaign's published rules (``PRIORITY_RULES``),
  computed at draw time; the order and placements are those of ``lottery_rules``, computed
  first from the published data alone, then applied with ``allocation.take_place``: what is
  published is exactly what happened;
- every status change (confirmed, not placed, waiting) tells the family through the outbox;
- a family's cancellation is never overwritten: the draw reads the requests FOR UPDATE on
  PostgreSQL and moves each one by a conditional UPDATE expecting REQUESTED (``allocation._move``);
  a request cancelled meanwhile keeps its status and takes no place;
- the result names nobody: tickets, tiers, stays' public ids, places.
"""
from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from ent_lite.activities import allocation
from ent_lite.activities.brackets import city_brackets
from ent_lite.activities.lottery_rules import (
    ALGORITHM,
    DEFAULT_RULES,
    PRIORITY_RULES,
    draw_order,
    placements,
    rerun,
    rerun_placements,
    rules_lines,
)
from ent_lite.activities.models import (
    Activity,
    AllocationMode,
    BracketDeclaration,
    Campaign,
    LotteryEntry,
    Registration,
    RegistrationStatus,
)
from ent_lite.audit.services import record
from ent_lite.extensions import db
from ent_lite.school.models import GuardianLink

__all__ = ["PRIORITY_RULES", "DrawRefused", "DrawResult", "draw", "rerun", "rerun_placements", "rules_text",
           "stays_of", "campaign_stays", "compute_tiers"]

SEED_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")


class DrawRefused(Exception):
    """A draw that must not happen (too early, already drawn); ``message`` is translated."""

    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class DrawResult:
    seed: str
    children: int
    placed: int
    waiting: int


def rules_text(campaign: Campaign | None) -> list[str]:
    """The campaign's priority rules in plain words, for its page and each stay's page."""
    return [str(line) for line in rules_lines(campaign.priority_rules if campaign else DEFAULT_RULES)]


def tier_names(campaign: Campaign) -> dict[int, str]:
    """What each published priority group means, in plain words (the result shows only numbers)."""
    if campaign.priority_rules == "lot_only":
        return {0: str(_l("every child"))}
    labels = [bracket.label for bracket in city_brackets(campaign.city_id)]
    names = {0: str(_l("no confirmed activity yet"))}
    names.update({1 + rank: str(_l("bracket %(label)s", label=label)) for rank, label in enumerate(labels)})
    names[1 + len(labels)] = str(_l("no bracket declared"))
    return names


def campaign_stays(campaign: Campaign) -> list[Activity]:
    """Every lottery stay of the campaign not withdrawn, drafts included (a family's rows on them)."""
    return list(db.session.scalars(
        select(Activity).where(Activity.campaign_id == campaign.id, Activity.city_id == campaign.city_id,
                               Activity.mode == AllocationMode.LOTTERY, Activity.withdrawn_dt.is_(None))
        .order_by(Activity.first_day, Activity.title, Activity.id)
        .execution_options(populate_existing=True)))  # the draw reads the places as they are now


def stays_of(campaign: Campaign, now: datetime) -> list[Activity]:
    """The stays that take part: published by ``now`` and not withdrawn. A draft is neither
    shown, nor ranked, nor drawn, nor published with its places."""
    return [stay for stay in campaign_stays(campaign) if stay.is_published(now)]


def compute_tiers(campaign: Campaign, child_ids: list[int], school_years: set[str]) -> dict[int, int]:
    """Each child's priority tier under the campaign's rules (0 first).

    "no_activity_then_bracket": 0 for a child with no confirmed activity of the school year
    outside this campaign; otherwise 1 + the rank of the lowest bracket any of their guardians
    declared for the year; 1 + the number of brackets when none was declared.
    """
    if campaign.priority_rules == "lot_only" or not child_ids:
        return {child_id: 0 for child_id in child_ids}
    busy = set(db.session.scalars(
        select(Registration.child_id).join(Activity, Activity.id == Registration.activity_id)
        .where(Registration.child_id.in_(child_ids), Registration.status == RegistrationStatus.CONFIRMED,
               Activity.school_year.in_(school_years), Activity.city_id == campaign.city_id,
               (Registration.campaign_id.is_(None)) | (Registration.campaign_id != campaign.id))))
    brackets = [bracket.id for bracket in city_brackets(campaign.city_id)]
    rank_of = {bracket_id: rank for rank, bracket_id in enumerate(brackets)}
    declared: dict[int, int] = {}
    for child_id, bracket_id in db.session.execute(
            select(GuardianLink.child_id, BracketDeclaration.bracket_id)
            .join(BracketDeclaration, BracketDeclaration.user_id == GuardianLink.user_id)
            .where(GuardianLink.child_id.in_(child_ids), BracketDeclaration.school_year.in_(school_years))):
        if bracket_id in rank_of:
            declared[child_id] = min(declared.get(child_id, len(brackets)), rank_of[bracket_id])
    return {child_id: 0 if child_id not in busy else 1 + declared.get(child_id, len(brackets))
            for child_id in child_ids}


def check_can_draw(campaign: Campaign, now: datetime) -> None:
    if campaign.drawn_dt is not None:
        raise DrawRefused(_l("This campaign has already been drawn: a draw happens only once."))
    if now < campaign.closes_dt:
        raise DrawRefused(_l("Requests are still open: the draw can only happen once they close."))


def draw(campaign: Campaign, now: datetime, seed: str | None = None, actor=None) -> DrawResult:
    """Draw the campaign (the caller commits, or rolls back on DrawRefused)."""
    check_can_draw(campaign, now)
    if seed is not None and not SEED_RE.fullmatch(seed):
        raise DrawRefused(_l("A seed is 1 to 64 letters, digits, hyphens or underscores."))
    seed = seed or secrets.token_hex(16)
    claimed = db.session.execute(
        update(Campaign).where(Campaign.id == campaign.id, Campaign.drawn_dt.is_(None))
        .values(drawn_dt=now, seed=seed).execution_options(synchronize_session=False)).rowcount
    if claimed != 1:
        raise DrawRefused(_l("This campaign has already been drawn: a draw happens only once."))
    db.session.refresh(campaign)

    stays = stays_of(campaign, now)
    stay_ids = {stay.id for stay in stays}
    public_of = {stay.id: stay.public_id for stay in stays}
    entries = list(db.session.scalars(select(LotteryEntry).where(LotteryEntry.campaign_id == campaign.id)))
    query = (select(Registration).where(Registration.campaign_id == campaign.id,
                                        Registration.status == RegistrationStatus.REQUESTED)
             .order_by(Registration.child_id, Registration.choice_rank))
    if allocation._is_postgresql():
        # A family's cancellation at this moment waits for the draw to commit (and then finds
        # its request moved), or commits first and the request is not read at all.
        query = query.with_for_update()
    requests = list(db.session.scalars(query))
    by_child: dict[int, list[Registration]] = {}
    for registration in requests:
        if registration.activity_id in stay_ids:
            by_child.setdefault(registration.child_id, []).append(registration)
        else:  # a stay withdrawn since the request: it gives no place
            _set_status(registration, RegistrationStatus.NOT_PLACED, now, actor)
    entries = [entry for entry in entries if entry.child_id in by_child]
    tiers = compute_tiers(campaign, [entry.child_id for entry in entries], {stay.school_year for stay in stays})
    entry_of = {entry.ticket: entry for entry in entries}
    choices = {entry.ticket: [public_of[r.activity_id] for r in by_child[entry.child_id]] for entry in entries}
    capacities = {stay.public_id: stay.free_places for stay in stays}
    order = draw_order(seed, {entry.ticket: tiers[entry.child_id] for entry in entries})
    placed = placements(order, choices, capacities)

    published = []
    for position, ticket in enumerate(order, start=1):
        entry = entry_of[ticket]
        entry.tier, entry.draw_position = tiers[entry.child_id], position
        _apply(by_child[entry.child_id], placed[ticket], public_of, position, now, actor)
        published.append({"ticket": ticket, "tier": entry.tier, "position": position,
                          "choices": choices[ticket], "placed": placed[ticket]})
    campaign.result_json = json.dumps({
        "campaign": campaign.slug, "seed": seed, "algorithm": ALGORITHM, "rules": campaign.priority_rules,
        "drawn": now.isoformat(), "entries": published, "capacities": capacities,
    }, ensure_ascii=False, sort_keys=True)
    got = sum(1 for stay in placed.values() if stay)
    record("activity.draw", actor=actor, target=campaign, now=now,
           details={"children": len(order), "placed": got, "waiting": len(order) - got})
    return DrawResult(seed=seed, children=len(order), placed=got, waiting=len(order) - got)


def _apply(ranked: list[Registration], stay: str | None, public_of: dict[int, str], position: int,
           now: datetime, actor) -> None:
    """One child's outcome: the place on ``stay`` and "not placed" elsewhere, or waiting everywhere."""
    for registration in ranked:
        if stay is None:
            _set_status(registration, RegistrationStatus.WAITING, now, actor, queue_rank=position)
        elif public_of[registration.activity_id] == stay:
            # The request moves first: a request cancelled meanwhile takes no place.
            if not _set_status(registration, RegistrationStatus.CONFIRMED, now, actor):
                continue
            # The places were read in this transaction: a refusal means they changed meanwhile.
            if not allocation.take_place(registration.activity_id):
                raise DrawRefused(_l("The places of a stay changed during the draw: draw again."))
        else:
            _set_status(registration, RegistrationStatus.NOT_PLACED, now, actor)


def _set_status(registration: Registration, status: str, now: datetime, actor, **values) -> bool:
    """Move a request still REQUESTED (a conditional UPDATE, the family told); False, and nothing
    written, when the family cancelled it meanwhile: their cancellation stands."""
    return allocation._move(registration, (RegistrationStatus.REQUESTED,), now, getattr(actor, "id", None),
                            status=status, **values)


def published_result(campaign: Campaign) -> dict | None:
    return json.loads(campaign.result_json) if campaign.result_json else None
