"""Fixtures for the consent tests: register overrides and consents given through the service."""
from __future__ import annotations

import dataclasses

import pytest

from ent_lite.consents import services
from ent_lite.core.db_types import utcnow
from ent_lite.privacy import register


@pytest.fixture
def guardians_required(monkeypatch):
    """Change a purpose's "one"/"both" setting as an edited register.toml would."""

    def _set(purpose_key: str, value: str) -> None:
        original = register.purpose

        def patched(key: str):
            found = original(key)
            if key != purpose_key:
                return found
            return dataclasses.replace(found, consent=dataclasses.replace(found.consent, guardians_required=value))

        monkeypatch.setattr(register, "purpose", patched)

    return _set


@pytest.fixture
def grant(db):
    """Record a guardian's decision through the service (committed)."""

    def _grant(guardian, child=None, audience="class", granted=True, purpose=services.PHOTO_PUBLICATION, now=None):
        if purpose == services.CITY_INFORMATION:
            audience = None
        entry = services.set_consent(guardian, purpose, granted, now or utcnow(), child=child, audience=audience)
        db.session.commit()
        return entry

    return _grant
