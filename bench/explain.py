"""The plans PostgreSQL chooses for the main list pages of a generated city: does each list
use an index, or read a whole big table?

    flask --app ent_lite ent-lite generate-city --children 100000 --seed 1   # once, on PostgreSQL
    .venv/bin/python bench/explain.py --database-url postgresql+psycopg://...  [--analyze] [--seed 1]

Each page is served in-process as a real person of the generated city (the family feed through
``rules.visible_posts``, a guardian's and a teacher's conversations through
``rules.visible_threads``, the teacher's tracking page, the family's and the teacher's calendar
(``rules.visible_events``), the teacher's feed, the activities
catalogue and a family's registrations), so the queries explained are exactly those the app
builds, with their parameters. Every SELECT a page runs is explained with ``EXPLAIN (FORMAT
JSON)`` (``--analyze`` runs them too); the script prints, per page, the costliest statement's top
node and total cost, the indexes the page's plans use, and every Seq Scan on a table of more than
``--big`` rows. It prints figures only and asserts nothing.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import textwrap

from sqlalchemy import event, func, select, text

from ent_lite import create_app
from ent_lite.accounts.models import Membership, User
from ent_lite.extensions import db
from ent_lite.generator.city import PASSWORD, city_name
from ent_lite.posts.models import Post
from ent_lite.school.models import City, Establishment, GuardianLink, Group, GroupKind

# (name, who, path): the pages whose lists grow with a city.
PAGES = [
    ("family feed (rules.visible_posts)", "guardian", "/news"),
    ("guardian's conversations (rules.visible_threads)", "guardian", "/messages"),
    ("teacher's conversations (rules.visible_threads)", "teacher", "/messages"),
    ("teacher's tracking page", "teacher", "/news/{post}/tracking"),
    ("family calendar (agenda.calendar)", "guardian", "/agenda"),
    ("teacher's feed (rules.visible_posts)", "teacher", "/news"),
    ("teacher's calendar (rules.visible_events)", "teacher", "/agenda"),
    ("activities catalogue", "guardian", "/activites"),
    ("family's activity registrations", "guardian", "/activites/mes-inscriptions"),
]


def people(seed: int) -> dict[str, str]:
    """The busiest guardian of the city (the most children), the teacher of its first class
    and the latest post of that teacher: the URL values and logins the pages need."""
    city_id = db.session.scalar(select(City.id).where(City.name == city_name(seed)))
    if city_id is None:
        raise SystemExit(f"No generated city for seed {seed}: run flask ent-lite generate-city first.")
    guardian = db.session.scalar(
        select(User).join(GuardianLink, GuardianLink.user_id == User.id).where(User.city_id == city_id)
        .group_by(User.id).order_by(func.count().desc(), User.id).limit(1))
    group_id = db.session.scalar(select(Group.id).join(Establishment).where(
        Establishment.city_id == city_id, Group.kind == GroupKind.CLASS).order_by(Group.id).limit(1))
    teacher = db.session.scalar(select(User).join(Membership, Membership.user_id == User.id)
                                .where(Membership.group_id == group_id).order_by(User.id).limit(1))
    post = db.session.scalar(select(Post.public_id).where(Post.author_id == teacher.id)
                             .order_by(Post.published_dt.desc()).limit(1))
    return {"guardian": guardian.email, "teacher": teacher.email, "post": post or ""}


def recorded_selects(app, client, path: str) -> list[tuple[str, object]]:
    """Every SELECT the page runs, with its parameters."""
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            statements.append((statement, parameters))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        response = client.get(path)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code}")
    return statements


def nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", ()):
        yield from nodes(child)


def explain(statement: str, parameters, analyze: bool) -> dict:
    options = "ANALYZE, FORMAT JSON" if analyze else "FORMAT JSON"
    with db.engine.connect() as connection:
        raw = connection.exec_driver_sql(f"EXPLAIN ({options}) {statement}", parameters).scalar_one()
        connection.rollback()
    return (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]


def text_plan(statement: str, parameters) -> str:
    with db.engine.connect() as connection:
        lines = connection.exec_driver_sql(f"EXPLAIN {statement}", parameters).scalars().all()
        connection.rollback()
    return "\n".join(lines)


def describe(node: dict) -> str:
    where = node.get("Relation Name") or node.get("Index Name") or ""
    return f"{node['Node Type']}{' on ' + where if where else ''}"


def table_rows() -> dict[str, int]:
    """The planner's row estimate of every table (what ``ANALYZE`` left in pg_class)."""
    return dict(db.session.execute(text(
        "SELECT relname, reltuples::bigint FROM pg_class WHERE relkind = 'r' "
        "AND relnamespace = 'public'::regnamespace")).all())


def label(statement: str) -> str:
    """A statement's first table and what it selects, short enough for one line."""
    words = " ".join(statement.split())
    table = re.search(r" FROM \(?(\w+)", words)
    return f"FROM {table.group(1) if table else '?'}: {words[:70]}…"


def print_plans(selects, analyze: bool, rows: dict[str, int], big: int, show: float | None = None) -> None:
    """One line per SELECT: top node, total cost (and time), Seq Scans on big tables; the
    statement and its whole plan too when it costs more than ``show``."""
    for statement, parameters in selects:
        plan = explain(statement, parameters, analyze)
        scans = sorted({n["Relation Name"] for n in nodes(plan)
                        if n["Node Type"] == "Seq Scan" and rows.get(n["Relation Name"], 0) > big})
        timing = f" {plan['Actual Total Time']:8.1f} ms" if analyze else ""
        seq = f"  SEQ SCAN {', '.join(f'{t} (~{rows[t]:,})' for t in scans)}" if scans else ""
        print(f"  {plan['Total Cost']:>11,.0f}{timing}  {describe(plan):<32} {label(statement)}{seq}")
        if show is not None and plan["Total Cost"] > show:
            print(textwrap.indent(statement, "      | "))
            print(textwrap.indent(text_plan(statement, parameters), "      > "))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("ENT_LITE_DATABASE_URL"))
    parser.add_argument("--seed", type=int, default=1, help="the seed the city was generated with")
    parser.add_argument("--analyze", action="store_true", help="run the statements too (EXPLAIN ANALYZE)")
    parser.add_argument("--show", type=float, help="print the statement and plan of those costing more than this")
    parser.add_argument("--big", type=int, default=10_000, help="a table of more rows than this is big")
    args = parser.parse_args()
    if not (args.database_url or "").startswith("postgresql"):
        raise SystemExit("Give a PostgreSQL --database-url (or ENT_LITE_DATABASE_URL) holding a generated city.")
    app = create_app({"ENT_LITE_ENV": "development", "SECRET_KEY": "e" * 40, "SQLALCHEMY_DATABASE_URI": args.database_url,
                      "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})
    with app.app_context():
        found, rows = people(args.seed), table_rows()
    print(f"database {args.database_url.rsplit('/', 1)[-1]}: "
          f"{rows.get('child', 0):,} children, {rows.get('post', 0):,} posts, {rows.get('message', 0):,} messages")
    clients = {}
    for who in ("guardian", "teacher"):
        clients[who] = app.test_client()
        login = clients[who].post("/login", data={"email": found[who], "password": PASSWORD})
        assert login.status_code == 302, f"{who} could not log in"
    recorded = {(name, who): recorded_selects(app, clients[who], path.format(**found)) for name, who, path in PAGES}
    with app.app_context():
        print(f"{'total cost':>13}{'      time' if args.analyze else ''}  {'top node':<32} statement")
        for who in clients:
            # What every page of this person runs (the menu's counts), once.
            pages = [selects for (_, person), selects in recorded.items() if person == who]
            texts = [{statement for statement, _ in page} for page in pages]
            shared = [select_ for select_ in pages[0] if all(select_[0] in page for page in texts)]
            shared_texts = {statement for statement, _ in shared}
            print(f"\nevery page of the {who} (layout and menu counts): {len(shared)} SELECTs")
            print_plans(shared, args.analyze, rows, args.big, args.show)
            for (name, person), selects in recorded.items():
                if person == who:
                    own = [select_ for select_ in selects if select_[0] not in shared_texts]
                    print(f"\n{name}: {len(own)} more SELECTs")
                    print_plans(own, args.analyze, rows, args.big, args.show)

if __name__ == "__main__":
    main()
