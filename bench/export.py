"""A guardian's data export on the demo city: time to build the ZIP, against rendering the feed.

    .venv/bin/python bench/export.py [--runs 20]

The export is made synchronously when asked for; this prints how long that takes for the
demo's largest family, next to one feed page measured in the same run. Asserts nothing.
"""
from __future__ import annotations

import argparse
import time

from sqlalchemy import select

from ent_lite.accounts.models import User
from ent_lite.demo.data import DEMO_PASSWORD
from ent_lite.extensions import db
from ent_lite.rights import export as exports
from ent_lite.rights.models import DataExport

from demo_city import busiest_guardian, demo_app


def per_request_ms(client, method: str, path: str, n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        response = client.open(path, method=method)
        assert response.status_code in (200, 302), response.status_code
    return (time.perf_counter() - start) * 1000 / n


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    app = demo_app(WTF_CSRF_ENABLED=False)
    with app.app_context():
        guardian = busiest_guardian()
        email = guardian.email
        tables = exports.collect(guardian)
        rows = sum(len(t.rows) for t in tables)
        children = len(exports.family_child_ids(guardian))

    client = app.test_client()
    assert client.post("/login", data={"email": email, "password": DEMO_PASSWORD}).status_code == 302
    feed_ms = per_request_ms(client, "GET", "/news", args.runs)
    # The whole request once (one export a day), then the ZIP alone several times.
    request_ms = per_request_ms(client, "POST", "/privacy/my-data/export", 1)
    with app.app_context():
        guardian = db.session.scalar(select(User).where(User.email == email))
        export = db.session.scalar(select(DataExport).where(DataExport.user_id == guardian.id))
        with app.test_request_context():
            start = time.perf_counter()
            for _ in range(args.runs):
                size = len(exports.build_zip(guardian, export))
            build_ms = (time.perf_counter() - start) * 1000 / args.runs
    print(f"guardian with {children} children, demo city: {rows} rows in {len(tables)} tables, ZIP {size} bytes")
    print(f"feed page: {feed_ms:.1f} ms; export request: {request_ms:.1f} ms; ZIP build: {build_ms:.1f} ms "
          f"({build_ms / feed_ms:.1f} feed pages)")


if __name__ == "__main__":
    main()
