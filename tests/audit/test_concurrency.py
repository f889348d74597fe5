"""Appends from concurrent transactions make one chain, on SQLite and on PostgreSQL."""
from __future__ import annotations

import threading
from datetime import datetime, timezone

from ent_lite.audit.services import record, verify_chain
from ent_lite.extensions import db

NOW = datetime(2026, 11, 3, 9, 30, tzinfo=timezone.utc)
WORKERS = 4
EACH = 15


def test_concurrent_appends_neither_fork_nor_fail(app, db):
    errors: list[BaseException] = []
    start = threading.Barrier(WORKERS)

    def work(n: int) -> None:
        with app.app_context():  # its own session and connection
            try:
                start.wait()
                for i in range(EACH):
                    record("login.success", now=NOW, details={"worker": n, "i": i})
                    db.session.commit()
            except BaseException as error:  # noqa: BLE001 - reported by the assertion below
                errors.append(error)
                db.session.rollback()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    result = verify_chain()
    assert result.ok, result.problem
    assert result.count == WORKERS * EACH
