"""Every page costs the same number of SQL statements whether its lists hold one item or fifty.

One world is seeded as the every-page walk seeds it (one post, thread, event, activity... per
list), every role visits every page, then the same world grows to fifty of each
(``tests/world_growth.py``) and every role visits every page again: a page that runs more
statements the second time loads its items one by one (an N+1 query).
"""
from __future__ import annotations

import pytest

from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db, limiter
from tests import factories
from tests.browser.every_page import ROLES, page_urls, seed
from tests.page_statements import sign_in_everyone, visit_all
from tests.world_growth import grow


@pytest.fixture(scope="module")
def counts(app):
    with app.app_context():
        limiter.reset()
        world = factories.build_world()
        seeded = seed(app, world)
        urls = page_urls(app, seeded)
        signed = sign_in_everyone(app, world, seeded)
        engine = db.engine
        small = {role: visit_all(app, engine, client, urls) for role, client in signed.clients.items()}
        grow(app, world, seeded, utcnow())
        large = {role: visit_all(app, engine, client, urls) for role, client in signed.clients.items()}
        yield small, large, urls
        db.session.rollback()
        db.session.remove()
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())
    limiter.reset()


@pytest.mark.parametrize("role", ROLES)
def test_pages(counts, role):
    small, large, urls = counts
    for endpoint, visit in small[role].items():
        after = large[role][endpoint]
        if len(after.statements) > len(visit.statements):
            print(role, visit.status, after.status, len(visit.statements), len(after.statements), urls[endpoint])
            print("   ", after.most_repeated())
