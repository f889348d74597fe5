"""The privacy notice and its version: a hash of the notice's text as written.

The notice is the fixed text of notice_text.html plus what is generated from the register
of purposes and the retention policy; changing any of them in the code changes the version,
so guardians are asked to read the notice again at their next visit. An administrator's
retention override changes the durations shown without a new version (reading it on every
request would cost a query); ``ask_guardians_again`` makes guardians read the notice again.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ent_lite.privacy import register, retention

TEMPLATES = Path(__file__).parent / "templates" / "privacy"
NOTICE_TEMPLATE = TEMPLATES / "notice_text.html"
# Templates whose text is part of the notice, and the register they are generated from.
NOTICE_SOURCES = (NOTICE_TEMPLATE, TEMPLATES / "_notice_purposes.html")


# Stored instead of a version: the guardian read an older text and is asked again.
SUPERSEDED = "superseded"


@cache
def current_notice_version() -> str:
    """Changes whenever the notice text, the register or a default retention changes."""
    digest = hashlib.sha256()
    for path in NOTICE_SOURCES:
        digest.update(path.read_bytes())
    digest.update(register.register_text())
    defaults = {key: category.days for key, category in retention.CATEGORIES.items()}
    digest.update(json.dumps(defaults, sort_keys=True).encode())
    return digest.hexdigest()[:16]


def ask_guardians_again() -> None:
    """Guardians read the notice again at their next visit (after the text shown changed)."""
    from sqlalchemy import update

    from ent_lite.accounts.models import User
    from ent_lite.extensions import db

    db.session.execute(update(User).where(User.privacy_notice_version.is_not(None))
                       .values(privacy_notice_version=SUPERSEDED))


def has_read_current_notice(user) -> bool:
    return user.privacy_notice_version == current_notice_version()


@dataclass(frozen=True)
class NoticeRegister:
    """What the notice and the register of processing show: the register and durations in force."""

    register: register.Register
    days: dict[str, int]

    @property
    def purposes(self):
        return self.register.purposes

    def category_name(self, key: str) -> str:
        return str(self.register.categories[key].name)

    def retention_text(self, key: str, lang: str | None = None) -> str:
        return self.register.categories[key].retention.get(lang).replace("{days}", str(self.days[key]))

    def legal_basis(self, key: str, lang: str | None = None) -> str:
        return self.register.legal_bases[key].name.get(lang)


def notice_register() -> NoticeRegister:
    return NoticeRegister(register.load(), retention.all_days())
