"""Guardian news feed on the demo city: SQL queries per page, compressed weight, and speed
relative to a bare endpoint measured in the same run.

    .venv/bin/python bench/feed.py [--requests 300]

Prints figures only; it asserts nothing (the query count is guarded by tests/posts).
"""
from __future__ import annotations

import argparse
import gzip
import time

from sqlalchemy import event, select

from ent_lite.demo.data import DEMO_PASSWORD
from ent_lite.extensions import db
from ent_lite.school.models import GuardianLink

from demo_city import busiest_guardian, demo_app


def timed(client, path: str, n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        assert client.get(path).status_code == 200
    return n / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    app = demo_app(WTF_CSRF_ENABLED=False)
    with app.app_context():
        guardian = busiest_guardian()
        email, children = guardian.email, len(db.session.scalars(
            select(GuardianLink).where(GuardianLink.user_id == guardian.id)).all())

    client = app.test_client()
    assert client.post("/login", data={"email": email, "password": DEMO_PASSWORD}).status_code == 302
    queries = []
    with app.app_context():
        listener = lambda *a, **k: queries.append(1)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        html = client.get("/news").get_data()
        event.remove(db.engine, "before_cursor_execute", listener)
    css = client.get("/static/css/app.css").get_data()
    weight = len(gzip.compress(html)) + len(gzip.compress(css))

    baseline = timed(client, "/health", args.requests)
    feed = timed(client, "/news", args.requests)
    print(f"guardian with {children} children, demo city")
    print(f"SQL queries for one feed page: {len(queries)}")
    print(f"feed HTML + CSS, gzip: {weight} bytes (HTML {len(html)} bytes raw)")
    print(f"bare endpoint: {baseline:.0f} req/s; feed: {feed:.0f} req/s; ratio {feed / baseline:.2f}")


if __name__ == "__main__":
    main()
