"""The password policy (PRIVACY.md 21): length, common and context words, no composition rules."""
from __future__ import annotations

import pytest

from ent_lite.accounts.password_policy import common_passwords, context_words_for, password_problems


@pytest.fixture(autouse=True)
def _request(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


def test_a_long_plain_sentence_is_accepted():
    # No digit, no capital, no symbol: composition rules are not required.
    assert password_problems("purple tortoise eats strawberries") == []


def test_twelve_characters_at_least():
    assert password_problems("xkq wmz fjpv") == []
    assert password_problems("xkq wmz fjp") == ["Use at least 12 characters."]


def test_at_most_128_characters():
    assert password_problems("xkqwmzfjpv " * 11 + "x" * 7) == []  # 128
    assert password_problems("xkqwmzfjpv " * 11 + "x" * 8) == ["Use at most 128 characters."]


@pytest.mark.parametrize("password", [
    "azertyuiop123", "AZERTYUIOP123", "123456789012", "qwertyuiopasdf", "Jetaimeatoutjamais",
    "iloveyou2024", "2025soleillevant", "aaaaaaaaaaaaaa", "abababababab",
])
def test_common_passwords_are_refused(password):
    assert password_problems(password) == ["This password is too common and easy to guess."]


def test_the_bundled_list_has_hundreds_of_french_and_english_passwords():
    words = common_passwords()
    assert len(words) > 400
    assert {"motdepasse123", "jetaime", "soleil", "password123", "iloveyou", "azertyuiop"} <= words


@pytest.mark.parametrize("password", [
    "Mot de passe du mois", "my ent_lite access key", "EntLite pour les parents", "la belle école du quartier",
    "ECOLE-du-quartier-2026", "my password is long", "the school of my kids",
])
def test_service_words_are_refused(password):
    assert len(password_problems(password)) == 1
    assert "Do not use your name" in password_problems(password)[0]


def test_context_words_are_refused_without_case_or_accents():
    words = context_words_for("Hélène", "Le Gall", "helene.legall@example.org", "Villeneuve")
    assert password_problems("un ete avec helene et moi", words)
    assert password_problems("chez LEGALL depuis toujours", words)
    assert password_problems("bienvenue a VILLENEUVE les bois", words)
    # Each part of a compound name counts.
    assert password_problems("les gall et les autres sont la", words)
    assert password_problems("purple tortoise eats strawberries", words) == []


def test_short_name_parts_do_not_refuse_everything():
    words = context_words_for("Li", "Wu", "li.wu@example.org", "Eu")
    assert password_problems("purple tortoise eats strawberries", words) == []


def test_several_reasons_are_all_given():
    words = context_words_for("Jean", "Dupont", None, None)
    assert len(password_problems("motdepasse", words)) == 1  # too short says enough
    assert len(password_problems("Jetaimeatoutjamais", ["jetaime"])) == 2
