"""Generate a whole city from a number of children and a seed.

The same seed gives the same city (one ``random.Random(seed)`` drives every choice; public
ids and session nonces stay random, as they must be unguessable). The city is named from
the seed: if a city of that name is already in the database nothing is written, so running
the command twice does not duplicate it; another seed adds another city beside it, with its
own e-mail domain.
"""
from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ent_lite.accounts.passwords import hash_password
from ent_lite.extensions import db
from ent_lite.generator import names
from ent_lite.generator.content import Content
from ent_lite.generator.exchanges import Exchanges
from ent_lite.generator.people import build_people
from ent_lite.generator.plan import plan_city
from ent_lite.privacy.notice import current_notice_version
from ent_lite.school.models import City
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


def generate_city(children: int, seed: int, now: datetime) -> Generated:
    """Write the city (flushes only: the caller commits), or find it already there."""
    existing = db.session.scalar(select(City).where(City.name == city_name(seed)))
    if existing is not None:
        return Generated(existing, False, {}, 0.0)
    started = time.monotonic()
    rng = random.Random(seed)
    plan = plan_city(children, rng, names)
    built = build_people(plan, city_name(seed), email_domain(seed), hash_password(PASSWORD),
                         current_notice_version(), now, current_school_year(now), rng)
    content = Content(built, now, rng)
    counts = {**built.counts, **content.write(), **Exchanges(built, now, content.start, rng).write()}
    db.session.flush()
    return Generated(db.session.get(City, built.city_id), True, counts, time.monotonic() - started)
