"""Every GET page of every role, with the SQL statements each one costs: what
``test_constant_queries`` compares between a world with one item per list and the same world
grown to fifty.

The pages are the every-page walk's (``tests/browser/every_page.py``: the URL map's GET rules
that are HTML pages, with a real object per URL parameter). Each role keeps one signed-in client
for both sizes. Every request is served in an application context of its own, so it starts
with an empty session as in production: an object the test or a previous request loaded
cannot hide a lazy load.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ent_lite.extensions import db
from tests import factories
from tests.browser.every_page import ROLES, Seeded, role_users
from tests.conftest import SecondFactor
from tests.queries import recorded_statements


@dataclass
class Visit:
    status: int
    statements: list[str]

    def most_repeated(self) -> str:
        """The statement run most often, with its count: the loop to look for."""
        statement, times = Counter(self.statements).most_common(1)[0]
        return f"{times}× {' '.join(statement.split())[:300]}"


def sign_in_everyone(app, world, seeded: Seeded) -> dict[str, object]:
    """A client per role, signed in through the login form (and second factor); the anonymous
    one is not."""
    second_factor = SecondFactor()
    second_factor.recovery_codes[world.dpo.public_id] = list(seeded.dpo_recovery_codes)
    users = role_users(world)
    clients = {}
    for role in ROLES:
        client = app.test_client()
        clients[role] = client
        if role == "anonymous":
            continue
        user = users[role]
        with app.app_context():
            response = client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
            assert response.status_code == 302, response.get_data(as_text=True)
            second_factor.pass_(client, user, response)
    db.session.commit()
    return clients


def visit_all(app, engine, client, urls: dict[str, str]) -> dict[str, Visit]:
    """Each page once: its status and the statements it ran."""
    visits = {}
    for endpoint, url in urls.items():
        with app.app_context(), recorded_statements(engine) as statements:
            response = client.get(url)
        visits[endpoint] = Visit(response.status_code, statements)
    return visits
