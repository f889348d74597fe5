"""A guardian's data export on the demo city: time to build the ZIP, against rendering the feed.

    .venv/bin/python bench/export.py [--runs 20]

The export is made synchronously when asked for; this prints how long that takes for the
demo's largest family, next to one feed page measured in the same run. Asserts nothing.
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select

from ent_lite import create_app
from ent_lite.accounts.models import Role, User
from ent_lite.core.db_types import utcnow
from ent_lite.demo.data import DEMO_PASSWORD
from ent_lite.demo.seed import seed_demo
from ent_lite.extensions import db
from ent_lite.rights import export as exports
from ent_lite.rights.models import DataExport
from ent_lite.school.models import GuardianLink


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
    folder = Path(tempfile.mkdtemp(prefix="ent_lite_bench_"))
    app = create_app({"ENT_LITE_ENV": "development", "SECRET_KEY": "b" * 40, "WTF_CSRF_ENABLED": False,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3",
                      "FILES_PATH": str(folder / "files")})
    with app.app_context():
        db.create_all()
        seed_demo(utcnow())
        db.session.commit()
        guardian = db.session.execute(
            select(User).join(GuardianLink, GuardianLink.user_id == User.id)
            .where(User.role == Role.GUARDIAN, User.password_hash.is_not(None))
            .group_by(User.id).order_by(func.count().desc(), User.id).limit(1)
        ).scalar_one()
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
