"""The family's request form of a lottery campaign: what it shows and what a submission does.

Plain functions the ``campaign_request`` view calls, so the form is tested without a request:
``request_page`` gathers the guardian's children with their eligible stays and current
ranking, and the school years whose bracket is still to declare; ``submit`` reads what the
form sent, and when nothing is wrong declares the brackets and saves every child's ranking
(the caller commits); ``error_summary`` orders the errors as the page shows its fields.
The rules themselves are in ``lottery_requests``.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from ent_lite.activities import family_bracket, lottery_requests
from ent_lite.activities.brackets import city_brackets
from ent_lite.activities.lottery_requests import ChildRequest
from ent_lite.activities.models import Activity, Campaign, QuotientBracket


@dataclass
class RequestPage:
    """``years``: the school years of the stays whose bracket the guardian has not declared."""

    campaign: Campaign
    families: list[ChildRequest]
    is_open: bool
    stays: list[Activity]
    years: list[str]
    brackets: list[QuotientBracket]

    def current_choices(self) -> dict[str, str]:
        """Each field of the form (child and rank) with the stay ranked there now."""
        return lottery_requests.current_choices(self.families, self.campaign.max_choices)

    def bracket_prices(self) -> dict[int, list[int]]:
        return lottery_requests.bracket_prices(self.stays, self.brackets)


def request_page(campaign: Campaign, guardian, now: datetime) -> RequestPage:
    """The request form of ``campaign`` for ``guardian`` (their children with legal authority)."""
    stays = lottery_requests.open_stays(campaign, now)
    return RequestPage(campaign=campaign, families=lottery_requests.family_requests(campaign, guardian, now),
                       is_open=lottery_requests.is_open(campaign, now), stays=stays,
                       years=lottery_requests.years_to_declare(guardian, stays),
                       brackets=city_brackets(campaign.city_id))


def submit(page: RequestPage, guardian, data: Mapping[str, str],
           now: datetime) -> tuple[dict[str, str], dict[str, str]]:
    """What the form sent (each child's ranking) and the errors by field name. Without errors,
    the brackets chosen are declared and every child's ranking replaced; nothing is written
    otherwise. The caller checks that the campaign is open, and commits."""
    campaign = page.campaign
    chosen, errors = lottery_requests.read_choices(page.families, data, campaign.max_choices)
    declared, bracket_errors = lottery_requests.read_brackets(page.years, page.brackets, data, any(chosen.values()))
    errors.update(bracket_errors)
    if not errors:
        for year, bracket in declared.items():
            family_bracket.declare(guardian, bracket, year, now)
        lottery_requests.save_choices(campaign, guardian, page.families, chosen, now)
    return chosen, errors


def error_summary(page: RequestPage, chosen: Mapping[str, str], errors: Mapping[str, str]) -> list[tuple[str, str]]:
    """(field name, message) of every error, in the order of the page's fields."""
    fields = [*chosen, *(lottery_requests.bracket_field(year) for year in page.years)]
    return [(name, errors[name]) for name in fields if name in errors]
