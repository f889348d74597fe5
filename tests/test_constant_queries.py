"""Every page costs the same number of SQL statements whether its lists hold one item or fifty.

One world is seeded as the every-page walk seeds it (one post, thread, event, activity... per
list) and every role visits every page; then the same world grows to fifty of each
(``tests/world_growth.py``) and every role visits every page again. A page that runs more
statements the second time loads its items one by one (an N+1 query): load the list with its
relations (``selectinload``/``joinedload``), count with one aggregate, look up in one batch.
"""
from __future__ import annotations

import os
import statistics
from pathlib import Path

import pytest
from sqlalchemy import func, select

from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db, limiter
from tests import factories
from tests.browser.every_page import ROLES, page_urls, seed
from tests.conftest import empty_database
from tests.page_statements import sign_in_everyone, visit_all
from tests.world_growth import grow, one_of_each

# The lists the world grows, by table: each holds at least fifty rows once grown.
GROWN = ("post", "post_read", "form_response", "attachment", "thread", "message", "agenda_event", "activity",
         "registration", "absence_notice", "notification", "rights_request", "roster_review", "email_problem", "enrolment",
         "membership", "child")

# Steps reached only in the middle of a journey (a code typed, a password checked): opened
# directly they redirect, and they list nothing that grows.
JOURNEY_STEPS = {"accounts.activate_account", "accounts.activate_name", "accounts.two_factor_code",
                 "accounts.two_factor_recovery", "accounts.two_factor_setup"}


def row_counts() -> dict[str, int]:
    return {name: db.session.scalar(select(func.count()).select_from(db.metadata.tables[name])) for name in GROWN}


@pytest.fixture(scope="module")
def walks(app):
    """(one item per list, fifty per list, URLs, row counts after growing): each walk maps a
    role to its visit of every page. One world for the module: it costs most of the time."""
    with app.app_context():
        limiter.reset()
        world = factories.build_world()
        seeded = seed(app, world)
        one_of_each(world, seeded, utcnow())
        urls = page_urls(app, seeded)
        clients = sign_in_everyone(app, world, seeded)
        engine = db.engine
        small = {role: visit_all(app, engine, client, urls) for role, client in clients.items()}
        grow(app, world, seeded, utcnow())
        large = {role: visit_all(app, engine, client, urls) for role, client in clients.items()}
        yield small, large, urls, row_counts()
        if os.environ.get("ENT_LITE_STATEMENTS_TABLE"):  # a report for humans, asserted nothing
            Path(os.environ["ENT_LITE_STATEMENTS_TABLE"]).write_text(statements_table(small, large, urls))
        empty_database()
    limiter.reset()


def statements_table(small, large, urls) -> str:
    """Markdown: per role, the pages it opens and their statements with 1 and 50 items."""
    lines = ["| role | pages | statements, 1 item (median / max) | 50 items (median / max) | heaviest page |",
             "|---|---|---|---|---|"]
    for role in ROLES:
        shown = {e: v for e, v in small[role].items() if v.status == 200}
        one = [len(v.statements) for v in shown.values()]
        fifty = [len(large[role][e].statements) for e in shown]
        heaviest = max(shown, key=lambda e: len(large[role][e].statements))
        lines.append(f"| {role} | {len(shown)} | {statistics.median(one):g} / {max(one)} | "
                     f"{statistics.median(fifty):g} / {max(fifty)} | {urls[heaviest]} ({max(fifty)}) |")
    total_one = sum(len(v.statements) for w in small.values() for v in w.values() if v.status == 200)
    total_fifty = sum(len(large[r][e].statements) for r, w in small.items() for e, v in w.items() if v.status == 200)
    return "\n".join(lines + ["", f"{total_one} statements with 1 item, {total_fifty} with 50"]) + "\n"


def test_the_grown_world_holds_fifty_of_each_list(walks):
    counts = walks[3]
    assert {name: count for name, count in counts.items() if count < 50} == {}


def test_every_page_is_shown_to_some_role(walks):
    small, large, urls, _ = walks
    for walk in (small, large):
        shown = {endpoint for visits in walk.values() for endpoint, visit in visits.items() if visit.status == 200}
        assert sorted(set(urls) - shown - JOURNEY_STEPS) == []


@pytest.mark.parametrize("role", ROLES)
def test_no_page_runs_more_statements_for_fifty_items_than_for_one(walks, role):
    small, large, urls, _ = walks
    grown = []
    for endpoint, one in small[role].items():
        fifty = large[role][endpoint]
        assert fifty.status == one.status, f"[{role}] {urls[endpoint]} answered {one.status}, then {fifty.status}"
        if len(fifty.statements) > len(one.statements):
            grown.append(f"[{role}] {urls[endpoint]}: {len(one.statements)} statements with 1 item, "
                         f"{len(fifty.statements)} with 50; most repeated: {fifty.most_repeated()}")
    assert not grown, "pages that load their items one by one:\n" + "\n".join(grown)
