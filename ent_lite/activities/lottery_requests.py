"""A family's lottery requests: each child's stays ranked, one ticket per child and campaign.

Rules kept:
- only a guardian with legal authority requests for a child still on the roster, in the
  campaign's city, and only while the campaign is open (``opens_dt <= now < closes_dt``,
  not drawn yet);
- a child ranks up to ``max_choices`` different stays they are eligible for (age and level,
  ``eligibility.profile_fits``), without a gap: 1st choice, then 2nd, then 3rd;
- sending the ranking again replaces it (the ticket stays the same); an empty ranking withdraws
  the child's request and its ticket. The draw gives at most one place per child;
- a guardian who ranks a stay declares their family-quotient bracket for its school year first
  (``family_bracket``, once per year, as on the registration page): it sets the priority group
  and the price, which is frozen on each request.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from ent_lite.activities import eligibility, family_bracket
from ent_lite.activities.lottery import campaign_stays, stays_of
from ent_lite.activities.lottery_rules import new_ticket
from ent_lite.activities.models import (
    Activity,
    Campaign,
    LotteryEntry,
    QuotientBracket,
    Registration,
    RegistrationStatus,
)
from ent_lite.extensions import db
from ent_lite.school.models import Child, GuardianLink

RANK_LABELS = {1: _l("1st choice"), 2: _l("2nd choice"), 3: _l("3rd choice")}


@dataclass
class ChildRequest:
    """What one child's part of the form shows: their eligible stays and current ranking."""

    child: Child
    stays: list[Activity]
    ranked: list[Registration] = field(default_factory=list)
    entry: LotteryEntry | None = None

    def field_name(self, rank: int) -> str:
        return f"choice-{self.child.public_id}-{rank}"

    def chosen(self, rank: int) -> str:
        """The stay ranked ``rank`` now (its public id), or ""."""
        for registration in self.ranked:
            if registration.choice_rank == rank:
                return registration.activity.public_id
        return ""


def is_open(campaign: Campaign, now: datetime) -> bool:
    return campaign.drawn_dt is None and campaign.opens_dt <= now < campaign.closes_dt


def open_stays(campaign: Campaign, now: datetime) -> list[Activity]:
    """The stays families see: published ones of the campaign."""
    return stays_of(campaign, now)


def authority_children(guardian, city_id: int) -> list[Child]:
    """The guardian's children on the roster, in the city, over whom they have legal authority."""
    return list(db.session.scalars(
        select(Child).join(GuardianLink, GuardianLink.child_id == Child.id)
        .where(GuardianLink.user_id == guardian.id, GuardianLink.legal_authority.is_(True),
               Child.left_dt.is_(None), Child.city_id == city_id)
        .order_by(Child.first_name, Child.last_name, Child.id)))


def family_requests(campaign: Campaign, guardian, now: datetime) -> list[ChildRequest]:
    stays = open_stays(campaign, now)
    children = authority_children(guardian, campaign.city_id)
    ids = [child.id for child in children]
    registrations = db.session.scalars(
        select(Registration).where(Registration.campaign_id == campaign.id, Registration.child_id.in_(ids))
        .order_by(Registration.choice_rank)).all() if ids else []
    entries = {entry.child_id: entry for entry in db.session.scalars(
        select(LotteryEntry).where(LotteryEntry.campaign_id == campaign.id, LotteryEntry.child_id.in_(ids)))} \
        if ids else {}
    found = []
    for child in children:
        found.append(ChildRequest(
            child, [stay for stay in stays if eligibility.profile_fits(stay, child)],
            [r for r in registrations if r.child_id == child.id], entries.get(child.id)))
    return found


def years_to_declare(guardian, stays: list[Activity]) -> list[str]:
    """The school years of the stays for which the guardian has declared no bracket yet."""
    return sorted(year for year in {stay.school_year for stay in stays}
                  if family_bracket.declared(guardian.id, year) is None)


def bracket_field(year: str) -> str:
    return f"bracket-{year}"


def bracket_prices(stays: list[Activity], brackets: list[QuotientBracket]) -> dict[int, list[int]]:
    """{bracket id: the prices of the stays for that bracket}, for the radio buttons."""
    prices: dict[int, list[int]] = {bracket.id: [] for bracket in brackets}
    for stay in stays:
        for bracket_id, cents in family_bracket.prices_by_bracket(stay).items():
            prices.setdefault(bracket_id, []).append(cents)
    return prices


def read_brackets(years: list[str], brackets: list[QuotientBracket], data,
                  ranking_sent: bool) -> tuple[dict[str, QuotientBracket], dict[str, str]]:
    """The bracket chosen for each year still to declare, and the errors by field name. Asked only
    of a family ranking at least one stay: withdrawing every request needs no bracket."""
    by_public = {bracket.public_id: bracket for bracket in brackets}
    chosen: dict[str, QuotientBracket] = {}
    errors: dict[str, str] = {}
    if not ranking_sent:
        return chosen, errors
    for year in years:
        bracket = by_public.get((data.get(bracket_field(year)) or "").strip())
        if bracket is None:
            errors[bracket_field(year)] = _("Choose your family-quotient bracket.")
        else:
            chosen[year] = bracket
    return chosen, errors


def check_ranking(request: ChildRequest, chosen: list[str], max_choices: int) -> dict[int, str]:
    """Errors by rank (1-based) for one child's chosen stay public ids ("" for none)."""
    eligible = {stay.public_id for stay in request.stays}
    errors: dict[int, str] = {}
    seen: set[str] = set()
    for rank, value in enumerate(chosen[:max_choices], start=1):
        if not value:
            continue
        if value not in eligible:
            errors[rank] = _("This stay is not open to %(name)s (age or school level): choose another one.",
                             name=request.child.first_name)
        elif value in seen:
            errors[rank] = _("This stay is already one of %(name)s’s choices above: choose another one "
                             "or leave this one empty.", name=request.child.first_name)
        elif any(not earlier for earlier in chosen[:rank - 1]):
            errors[rank] = _("Fill in the choices in order, without a gap: the 1st choice first.")
        seen.add(value)
    return errors


def current_choices(families: list[ChildRequest], max_choices: int) -> dict[str, str]:
    """Each field of the form (child and rank) with the stay ranked there now."""
    return {entry.field_name(rank): entry.chosen(rank) for entry in families for rank in range(1, max_choices + 1)}


def read_choices(families: list[ChildRequest], data, max_choices: int) -> tuple[dict[str, str], dict[str, str]]:
    """What the form sent for the guardian's own children (any other field is ignored), and the
    errors by field name."""
    chosen = {name: (data.get(name) or "").strip() for name in current_choices(families, max_choices)}
    errors: dict[str, str] = {}
    for entry in families:
        ranking = [chosen[entry.field_name(rank)] for rank in range(1, max_choices + 1)]
        for rank, message in check_ranking(entry, ranking, max_choices).items():
            errors[entry.field_name(rank)] = message
    return chosen, errors


def save_choices(campaign: Campaign, guardian, families: list[ChildRequest], chosen: dict[str, str],
                 now: datetime) -> None:
    for entry in families:
        ranking = [chosen[entry.field_name(rank)] for rank in range(1, campaign.max_choices + 1)]
        save_ranking(campaign, guardian, entry, ranking, now)


def save_ranking(campaign: Campaign, guardian, request: ChildRequest, chosen: list[str], now: datetime) -> None:
    """Replace the child's ranking with ``chosen`` (checked: ``check_ranking`` found nothing)."""
    by_public = {stay.public_id: stay for stay in request.stays}
    wanted = [by_public[value] for value in chosen if value]
    child = request.child
    existing = {r.activity_id: r for r in db.session.scalars(
        select(Registration).where(Registration.child_id == child.id,
                                   Registration.activity_id.in_([s.id for s in campaign_stays(campaign)])))}
    # The same ranking again changes nothing, unless some of it was cancelled ("Leave" in My
    # registrations): sending it again makes the request again.
    prices = {stay.id: _price(guardian, stay) for stay in wanted}
    if [(r.activity_id, r.status == RegistrationStatus.REQUESTED, r.bracket_id)
            for r in sorted(existing.values(), key=lambda r: r.choice_rank or 0)] == \
            [(stay.id, True, prices[stay.id][0]) for stay in wanted]:
        return
    # Free the ranks first: swapping the 1st and 2nd choices must not meet the unique rank.
    for registration in existing.values():
        registration.choice_rank = None
    db.session.flush()
    keep = {stay.id for stay in wanted}
    for activity_id, registration in existing.items():
        if activity_id not in keep:
            db.session.delete(registration)
    db.session.flush()
    for rank, stay in enumerate(wanted, start=1):
        registration = existing.get(stay.id)
        if registration is None:
            registration = Registration(activity_id=stay.id, child_id=child.id, campaign_id=campaign.id,
                                        created_dt=now)
            db.session.add(registration)
        registration.status = RegistrationStatus.REQUESTED  # a cancelled request is made again
        registration.bracket_id, registration.price_cents = prices[stay.id]  # frozen as requested
        registration.guardian_id = guardian.id
        registration.choice_rank = rank
        registration.updated_dt = now
    if wanted and request.entry is None:
        request.entry = LotteryEntry(campaign_id=campaign.id, child_id=child.id, ticket=_unused_ticket(),
                                     created_dt=now)
        db.session.add(request.entry)
    elif not wanted and request.entry is not None:
        db.session.execute(delete(LotteryEntry).where(LotteryEntry.id == request.entry.id))
        request.entry = None
    db.session.flush()


def _price(guardian, stay: Activity) -> tuple[int | None, int | None]:
    """The bracket the guardian declared for the stay's school year and its price, if any."""
    declaration = family_bracket.declared(guardian.id, stay.school_year)
    if declaration is None:
        return None, None
    return declaration.bracket_id, family_bracket.prices_by_bracket(stay).get(declaration.bracket_id)


def _unused_ticket() -> str:
    # 31^8 tickets: a clash is very unlikely, and checked all the same (the column is unique).
    while True:
        ticket = new_ticket()
        if db.session.scalar(select(LotteryEntry.id).where(LotteryEntry.ticket == ticket)) is None:
            return ticket
