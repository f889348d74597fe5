"""The nightly purge on a school year of class news: rows deleted per second, against the
speed at which the same rows were written in the same run.

    .venv/bin/python bench/purge.py [--posts 2000]

The demo city is seeded, then last school year gets ``--posts`` class posts, each read by
every family of its class and signed for every child. The purge then runs as on the night
after their retention ended. Prints figures only; the boundaries are tested in tests/privacy.
"""
from __future__ import annotations

import argparse
import time
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, insert, select

from ent_lite.audience import keys
from ent_lite.core.db_types import new_public_id, utcnow
from ent_lite.extensions import db
from ent_lite.posts.models import Post, PostAudience, PostRead, PostSignature
from ent_lite.privacy.purge import run_purge
from ent_lite.school.models import Enrolment, Group, GroupKind, GuardianLink

from demo_city import demo_app


def write_last_year(posts_wanted: int, published: datetime) -> int:
    """Bulk-insert the posts, their audiences, reads and signatures; returns the row count."""
    classes = db.session.execute(
        select(Group.id, Group.establishment_id).where(Group.kind == GroupKind.CLASS)).all()
    families = {group_id: db.session.execute(
        select(GuardianLink.user_id, GuardianLink.child_id)
        .join(Enrolment, Enrolment.child_id == GuardianLink.child_id).where(Enrolment.group_id == group_id)).all()
        for group_id, _ in classes}
    author = db.session.scalar(select(func.min(GuardianLink.user_id)))  # any account: not shown
    rows = 0
    for n in range(posts_wanted):
        group_id, establishment_id = classes[n % len(classes)]
        post_id = db.session.execute(insert(Post).values(
            public_id=new_public_id(), author_id=author, establishment_id=establishment_id,
            title=f"Sortie {n}", body_markdown="Pensez au goûter.", body_html="<p>Pensez au goûter.</p>",
            created_dt=published, published_dt=published, requires_ack=True).returning(Post.id)).scalar_one()
        kind, value = keys.group_key(group_id)
        db.session.execute(insert(PostAudience), [{"post_id": post_id, "kind": kind, "value": value}])
        links = families[group_id]
        if links:
            db.session.execute(insert(PostRead), [
                {"post_id": post_id, "user_id": user_id, "read_dt": published} for user_id in {u for u, _ in links}])
            db.session.execute(insert(PostSignature), [
                {"post_id": post_id, "child_id": child_id, "user_id": user_id, "signed_dt": published}
                for user_id, child_id in links])
        rows += 2 + len({u for u, _ in links}) + len(links)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=2000)
    args = parser.parse_args()
    app = demo_app()
    with app.app_context():
        now = utcnow()
        # Published in the middle of last school year; purged 3 months after its end.
        this_year_start = datetime(now.year if now.month >= 9 else now.year - 1, 9, 1, tzinfo=timezone.utc)
        published = this_year_start - timedelta(days=200)
        purge_night = this_year_start + timedelta(days=95)

        start = time.perf_counter()
        written = write_last_year(args.posts, published)
        db.session.commit()
        write_seconds = time.perf_counter() - start

        start = time.perf_counter()
        results = run_purge(purge_night)
        purge_seconds = time.perf_counter() - start
        deleted = sum(result.rows for result in results)
        by_table = {}
        for result in results:
            for table, count in result.by_table.items():
                by_table[table] = by_table.get(table, 0) + count

    print(f"last school year: {args.posts} posts, {written} rows written in {write_seconds:.2f} s "
          f"({written / write_seconds:.0f} rows/s, bulk insert)")
    print(f"purge: {deleted} top rows, {sum(by_table.values())} rows in all, in {purge_seconds:.2f} s "
          f"({sum(by_table.values()) / purge_seconds:.0f} rows/s)")
    print(f"ratio purge speed / insert speed: {(sum(by_table.values()) / purge_seconds) / (written / write_seconds):.2f}")
    print("rows by table: " + ", ".join(f"{table} {count}" for table, count in sorted(by_table.items())))


if __name__ == "__main__":
    main()
