"""What the bench scripts share: the demo city seeded in a throwaway SQLite database."""
from __future__ import annotations

import tempfile
from pathlib import Path

from sqlalchemy import func, select

from ent_lite import create_app
from ent_lite.accounts.models import Role, User
from ent_lite.core.db_types import utcnow
from ent_lite.demo.seed import seed_demo
from ent_lite.extensions import db
from ent_lite.school.models import GuardianLink


def demo_app(**settings):
    """The app on a fresh, seeded demo city (files and database in a temporary folder)."""
    folder = Path(tempfile.mkdtemp(prefix="ent_lite_bench_"))
    app = create_app({"ENT_LITE_ENV": "development", "SECRET_KEY": "b" * 40,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3",
                      "FILES_PATH": str(folder / "files"), **settings})
    with app.app_context():
        db.create_all()
        seed_demo(utcnow())
        db.session.commit()
    return app


def busiest_guardian() -> User:
    """The activated guardian with the most children: the heaviest pages of the demo."""
    return db.session.execute(
        select(User).join(GuardianLink, GuardianLink.user_id == User.id)
        .where(User.role == Role.GUARDIAN, User.password_hash.is_not(None))
        .group_by(User.id).order_by(func.count().desc(), User.id).limit(1)
    ).scalar_one()
