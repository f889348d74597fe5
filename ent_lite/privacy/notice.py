"""The privacy notice and its version: the hash of the notice's text as written."""
from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

NOTICE_TEMPLATE = Path(__file__).parent / "templates" / "privacy" / "notice_text.html"


@cache
def current_notice_version() -> str:
    """Changes whenever the notice text changes, so guardians can be asked to read it again."""
    return hashlib.sha256(NOTICE_TEMPLATE.read_bytes()).hexdigest()[:16]


def has_read_current_notice(user) -> bool:
    return user.privacy_notice_version == current_notice_version()
