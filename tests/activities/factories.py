"""Builders for activities tests: a city service and a periscolaire site with their staff,
the city's family-quotient brackets, and activities (published, window open) by default."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from ent_lite.activities.models import (
    Activity,
    ActivityPrice,
    ActivitySession,
    AllocationMode,
    Campaign,
    QuotientBracket,
)
from ent_lite.core.db_types import utcnow
from ent_lite.core.localtime import to_local
from ent_lite.extensions import db
from ent_lite.school.models import Establishment, EstablishmentKind
from ent_lite.school.services import current_school_year
from tests import factories


@dataclass
class ActivityWorld:
    world: factories.World
    service: Establishment        # the city agent's service
    site: Establishment           # the animator's periscolaire site
    brackets: list[QuotientBracket]


def make_brackets(city) -> list[QuotientBracket]:
    bounds = [("A", None, 600), ("B", 601, 1200), ("C", 1201, None)]
    brackets = [QuotientBracket(city_id=city.id, position=i, label=label, min_quotient=low, max_quotient=high)
                for i, (label, low, high) in enumerate(bounds)]
    db.session.add_all(brackets)
    db.session.flush()
    return brackets


def build_activity_world(world: factories.World) -> ActivityWorld:
    service = Establishment(city=world.city, kind=EstablishmentKind.SERVICE, name="Service des sports")
    site = Establishment(city=world.city, kind=EstablishmentKind.PERISCOLAIRE, name="Accueil de loisirs Pasteur")
    db.session.add_all([service, site])
    db.session.flush()
    factories.add_membership(world.city_agent, service)
    factories.add_membership(world.animator, site)
    brackets = make_brackets(world.city)
    db.session.commit()
    return ActivityWorld(world, service, site, brackets)


def make_activity(aw: ActivityWorld, *, title: str = "Judo", capacity: int = 10,
                  establishment: Establishment | None = None, now: datetime | None = None,
                  first_session: datetime | None = None, sessions: int = 1,
                  opens: datetime | None = None, closes: datetime | None = None,
                  min_age: int | None = None, max_age: int | None = None, levels: str = "",
                  prices: tuple[int, ...] = (0, 500, 1000), mode: str = AllocationMode.FIRST_COME,
                  campaign: Campaign | None = None, published: bool = True, category: str = "sport",
                  offer_hours: int = 48) -> Activity:
    """A published activity, its window open now, sessions weekly from two weeks ahead."""
    now = now or utcnow()
    first = first_session or (now + timedelta(days=14)).replace(hour=14, minute=0, second=0, microsecond=0)
    establishment = establishment or aw.service
    activity = Activity(
        city_id=aw.world.city.id, establishment_id=establishment.id, author_id=aw.world.city_agent.id,
        title=title, description=f"{title} pour les enfants.", category=category, place="Gymnase du Parc",
        min_age=min_age, max_age=max_age, levels=levels, capacity=capacity, mode=mode,
        campaign_id=campaign.id if campaign else None,
        opens_dt=None if campaign else (opens or now - timedelta(days=1)),
        closes_dt=None if campaign else (closes or now + timedelta(days=7)),
        cancel_until_dt=first - timedelta(days=2), offer_hours=offer_hours,
        documents="Certificat médical", school_year=current_school_year(first),
        first_day=to_local(first).date(), published_dt=now - timedelta(hours=1) if published else None,
        created_dt=now - timedelta(hours=2), updated_dt=now - timedelta(hours=2),
    )
    db.session.add(activity)
    db.session.flush()
    for week in range(sessions):
        start = first + timedelta(days=7 * week)
        db.session.add(ActivitySession(activity_id=activity.id, starts_dt=start, ends_dt=start + timedelta(hours=2)))
    activity.last_session_dt = first + timedelta(days=7 * (sessions - 1), hours=2)
    for bracket, cents in zip(aw.brackets, prices):
        db.session.add(ActivityPrice(activity_id=activity.id, bracket_id=bracket.id, amount_cents=cents))
    db.session.commit()
    return activity


def make_campaign(aw: ActivityWorld, *, slug: str = "ete-2027", now: datetime | None = None,
                  opens: datetime | None = None, closes: datetime | None = None) -> Campaign:
    now = now or utcnow()
    campaign = Campaign(city_id=aw.world.city.id, establishment_id=aw.service.id, slug=slug,
                        title="Séjours d'été", opens_dt=opens or now - timedelta(days=1),
                        closes_dt=closes or now + timedelta(days=7))
    db.session.add(campaign)
    db.session.commit()
    return campaign
