"""Generate a whole city from a number of children and a seed.

The same seed gives the same city (one ``random.Random(seed)`` drives every choice; public
ids and session nonces stay random, as they must be unguessable). The city is named from
the seed: if a city of that name is already in the database nothing is written, so running
the command twice does not duplicate it; another seed adds another city beside it, with its
own e-mail domain. Every account shares a printed password, so the generator writes only into
a database that holds nothing but generated cities.
"""
from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from ent_lite.accounts.passwords import hash_password
from ent_lite.extensions import db
from ent_lite.generator import names
from ent_lite.generator.content import Content
from ent_lite.generator.exchanges import Exchanges
from ent_lite.generator.people import build_people
from ent_lite.generator.plan import plan_city
from ent_lite.generator.year import SchoolYear
from ent_lite.privacy.notice import current_notice_version
from ent_lite.school.models import Child, City
from ent_lite.school.services import current_school_year

# Every generated account's password, printed by the command: a load test logs in with it.
PASSWORD = "Ville-Generee-2026"


def city_name(seed: int) -> str:
    return f"Ville générée {seed}"


def email_domain(seed: int) -> str:
    return f"ville-{seed}.generated.invalid"


@dataclass
class Generated:
    city: City
    created: bool
    counts: dict[str, int]
    seconds: float


class CannotGenerate(Exception):
    """Why nothing was written, for the person who ran the command."""


def generate_city(children: int, seed: int, now: datetime) -> Generated:
    """Write the city (flushes only: the caller commits), or find it already there."""
    others = db.session.scalars(select(City.name).where(City.name.not_like(city_name("%")))).all()
    if others:
        raise CannotGenerate(f"this database holds a real city ({others[0]}): generated accounts share "
                             "a printed password, so the generator only writes into a database of its own.")
    existing = db.session.scalar(select(City).where(City.name == city_name(seed)))
    if existing is not None:
        held = db.session.scalar(select(func.count()).select_from(Child).where(Child.city_id == existing.id))
        if held != children:
            raise CannotGenerate(f"the city of seed {seed} is already there with {held} children, not {children}: "
                                 "use another seed or another database.")
        return Generated(existing, False, {}, 0.0)
    started = time.monotonic()
    rng = random.Random(seed)
    year = SchoolYear(now)
    plan = plan_city(children, rng, names)
    # The accounts and children were there a week before the year's first post.
    built = build_people(plan, city_name(seed), email_domain(seed), hash_password(PASSWORD),
                         current_notice_version(), year.start - timedelta(days=7), current_school_year(now), rng)
    counts = {**built.counts, **Content(built, year, rng).write(), **Exchanges(built, year, rng).write()}
    db.session.flush()
    return Generated(db.session.get(City, built.city_id), True, counts, time.monotonic() - started)
