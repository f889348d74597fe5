"""Builders for the lottery tests: a campaign closing tomorrow with its stays, more families,
and requests made through the service the request page uses."""
from __future__ import annotations

from datetime import datetime, timedelta

from ent_lite.accounts.models import Role
from ent_lite.activities import lottery, lottery_requests
from ent_lite.activities.models import AllocationMode, BracketDeclaration, Campaign
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from tests import factories
from tests.activities.factories import make_activity, make_campaign


def lottery_campaign(aw, *, capacities=(1, 1), now: datetime | None = None, slug: str = "ete-2027",
                     **stay_options) -> tuple[Campaign, list, datetime]:
    """A campaign open since yesterday, closing in a day, with one stay per capacity."""
    now = (now or utcnow()).replace(microsecond=0)
    campaign = make_campaign(aw, slug=slug, now=now, opens=now - timedelta(days=1), closes=now + timedelta(days=1))
    stays = [make_activity(aw, title=f"Séjour {n}", capacity=capacity, mode=AllocationMode.LOTTERY,
                           campaign=campaign, now=now, category="holiday_stay",
                           first_session=now + timedelta(days=60 + n), **stay_options)
             for n, capacity in enumerate(capacities, start=1)]
    return campaign, stays, now


def more_families(aw, count: int) -> list[tuple]:
    """``count`` more (guardian, child) pairs in class A, each guardian with one child."""
    world = aw.world
    pairs = []
    for n in range(count):
        guardian = factories.make_user(world.city, Role.GUARDIAN, f"Parent{n}", f"Famille{n}")
        child = factories.make_child(world.city, world.class_a, f"Enfant{n}", f"Famille{n}", guardians=(guardian,))
        pairs.append((guardian, child))
    db.session.commit()
    return pairs


def declare(aw, guardian, stay, rank: int = 0) -> None:
    """The guardian's family-quotient bracket for the stay's school year (bracket A by default)."""
    db.session.add(BracketDeclaration(user_id=guardian.id, bracket_id=aw.brackets[rank].id,
                                      school_year=stay.school_year))
    db.session.commit()


def ask(campaign, guardian, child, stays, now) -> None:
    """The guardian ranks ``stays`` for ``child`` (first = first choice), as the form would."""
    request = next(r for r in lottery_requests.family_requests(campaign, guardian, now) if r.child.id == child.id)
    chosen = [stay.public_id for stay in stays]
    assert lottery_requests.check_ranking(request, chosen, campaign.max_choices) == {}
    lottery_requests.save_ranking(campaign, guardian, request, chosen, now)
    db.session.commit()


def lottery_walk_objects(aw) -> dict:
    """URL values of the lottery pages for the walks over every page (tests/test_security.py):
    an open campaign (requests, editing) and a drawn one (its published result)."""
    world = aw.world
    now = utcnow().replace(microsecond=0)
    open_campaign, open_stays, _ = lottery_campaign(aw, slug="ete-2027", capacities=(2,), now=now)
    ask(open_campaign, world.parent_a, world.child_a, open_stays, now)
    past = now - timedelta(days=3)
    drawn, drawn_stays, _ = lottery_campaign(aw, slug="printemps-2027", capacities=(1,), now=past)
    ask(drawn, world.parent_a, world.child_a, drawn_stays, past)
    ask(drawn, world.parent_b, world.child_b, drawn_stays, past)
    lottery.draw(drawn, drawn.closes_dt)
    db.session.commit()
    both = [{"slug": open_campaign.slug}, {"slug": drawn.slug}]
    return {"activities.campaign": both, "activities.campaign_json": [{"slug": drawn.slug}],
            "activities.campaign_edit": both, "activities.campaign_request": both}
