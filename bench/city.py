"""What the benches of a large city share: an app on an empty database, bulk inserts, and the
city's bones: the city and one service, schools in districts, one or two guardians a child.
The bulk writing itself is the city generator's (``ent_lite.generator.bulk``); a bench that
wants a whole realistic city calls ``ent_lite.generator.city.generate_city``.

The benches import it as ``city`` (a script's folder comes first on sys.path); it is named so
as not to hide a standard-library module (a bench/calendar.py would hide ``calendar``).
"""
from __future__ import annotations

import random
import socket
import tempfile
from pathlib import Path

from sqlalchemy import insert

from ent_lite import create_app
from ent_lite.accounts.models import Role, User
from ent_lite.core.db_types import new_public_id
from ent_lite.extensions import db
from ent_lite.generator.bulk import analyze, bulk  # noqa: F401 (the benches import them from here)
from ent_lite.school.models import City, Establishment, EstablishmentKind, GuardianLink

DISTRICTS = 6


def make_app(url: str | None = None, **settings):
    """The app with its tables created on ``url`` (an empty database), or on a throwaway
    SQLite file; files in a temporary folder."""
    folder = Path(tempfile.mkdtemp(prefix="ent_lite_bench_"))
    app = create_app({"ENT_LITE_ENV": "development", "SECRET_KEY": "b" * 40,
                      "SQLALCHEMY_DATABASE_URI": url or f"sqlite:///{folder}/bench.sqlite3",
                      "FILES_PATH": str(folder / "files"), **settings})
    with app.app_context():
        db.create_all()
    return app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def city_and_service(service_name: str) -> tuple[int, int]:
    """A city named "Banc" and its service; returns their ids."""
    city_id = db.session.execute(insert(City).values(public_id=new_public_id(), name="Banc")
                                 .returning(City.id)).scalar_one()
    service_id = db.session.execute(insert(Establishment).values(
        public_id=new_public_id(), city_id=city_id, kind=EstablishmentKind.SERVICE, name=service_name)
        .returning(Establishment.id)).scalar_one()
    return city_id, service_id


def schools(city_id: int, count: int) -> list[int]:
    """``count`` schools spread over the districts, "Quartier 0" to "Quartier 5"."""
    return bulk(Establishment, [{"public_id": new_public_id(), "city_id": city_id, "kind": EstablishmentKind.SCHOOL,
                                 "name": f"École {n}", "district": f"Quartier {n % DISTRICTS}"}
                                for n in range(count)])


def guardians(city_id: int, children: list[int], rng: random.Random, **columns) -> list[int]:
    """A family a child (siblings aside), one guardian, or two for 60 % of them, with parental
    authority; ``columns`` are set on every account (a password, to make it active). Returns
    the guardians' ids, the first child's first."""
    rows, owners = [], []
    for n, child in enumerate(children):
        for rank in range(1, 3 if rng.random() < 0.6 else 2):
            rows.append({"public_id": new_public_id(), "city_id": city_id, "role": Role.GUARDIAN,
                         "first_name": "Parent", "last_name": f"Banc {n}", "email": f"p{n}-{rank}@bench.invalid",
                         "session_nonce": new_public_id(), "is_enabled": True, **columns})
            owners.append((child, rank))
    ids = bulk(User, rows)
    db.session.execute(insert(GuardianLink), [{"child_id": child, "user_id": user, "rank": rank, "relation": "mère",
                                               "legal_authority": True} for user, (child, rank) in zip(ids, owners)])
    return ids
