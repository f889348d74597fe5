"""Every string in the code and templates is translated in French and English."""
from __future__ import annotations

import subprocess
import sys

import pytest
from babel.messages.pofile import read_po

from ent_lite import PROJECT_ROOT, TRANSLATIONS_DIR

LANGUAGES = ("fr", "en")


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-k", "_l",
         "-o", str(pot), "ent_lite"],
        check=True, cwd=PROJECT_ROOT,
    )
    with pot.open("rb") as handle:
        return read_po(handle)


def _untranslated(catalog, template) -> list[str]:
    missing = []
    for message in template:
        if not message.id:
            continue
        translated = catalog.get(message.id, message.context)
        strings = translated.string if translated else None
        if isinstance(strings, tuple | list):
            empty = not all(strings)
        else:
            empty = not strings
        if translated is None or empty or translated.fuzzy:
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_is_translated(extracted, language):
    path = TRANSLATIONS_DIR / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    missing = _untranslated(catalog, extracted)
    assert not missing, f"{len(missing)} strings missing from the {language} catalogue: {missing[:20]}"


def test_extraction_finds_the_strings(extracted):
    """Guards the test above: an empty extraction would make it pass vacuously."""
    assert len(extracted) > 50


def test_french_is_the_default_and_english_on_request(client):
    assert "Mot de passe" in client.get("/login").get_data(as_text=True)
    english = client.get("/login", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Password" in english
