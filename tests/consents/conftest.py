"""Fixtures for the consent tests: English pages, a private files folder, register overrides."""
from __future__ import annotations

import dataclasses

import pytest

from ent_lite.consents import services
from ent_lite.core.db_types import utcnow
from ent_lite.privacy import register


@pytest.fixture(autouse=True)
def files_folder(app, tmp_path, monkeypatch):
    folder = tmp_path / "stored-files"
    monkeypatch.setitem(app.config, "FILES_PATH", str(folder))
    return folder


@pytest.fixture
def english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


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
