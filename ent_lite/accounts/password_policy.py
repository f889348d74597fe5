"""Password policy (PRIVACY.md 21, CNIL 2022): length, no common or context words, no composition rules.

Used on activation, reset, change and invitation acceptance.

Context words are the user's own (names, email, city) and the city's places: the names of its
schools, periscolaire sites, services and their groups, which a family's passwords are prone
to borrow ("jaures2019...", "tilleuls..."). A place name counts by its significant words: of at
least four letters, without the words that name a kind of place rather than this one ("école",
"maternelle", "élémentaire", "groupe", "accueil"... in GENERIC_PLACE_WORDS). So "École
élémentaire Jean Jaurès" refuses "jean" and "jaures", and class names such as "CE1-CE2" refuse
nothing.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from flask_babel import gettext as _

from ent_lite.core.text import fold_joined

MIN_LENGTH = 12
MAX_LENGTH = 128
COMMON_PASSWORDS_FILE = Path(__file__).parent / "common_passwords.txt"
# Words refused in every password, whoever the user is.
SERVICE_WORDS = ("ecole", "école", "school", "ent_lite", "entlite", "password", "motdepasse", "mot de passe")
# Shorter context words ("Li", "Ho") would refuse far too many good passwords.
MIN_CONTEXT_WORD_LENGTH = 3
# Place names: shorter words ("Les", "du", "CP") are articles or levels, not names.
MIN_PLACE_WORD_LENGTH = 4
# Words that say what kind of place it is, not which: refusing them would refuse many good
# passwords and protect nothing (they are the same in every city). Compared accent- and case-free.
GENERIC_PLACE_WORDS = frozenset({
    "ecole", "ecoles", "maternelle", "elementaire", "primaire", "groupe", "groupes", "scolaire",
    "periscolaire", "extrascolaire", "accueil", "centre", "loisirs", "service", "services", "classe",
    "classes", "section", "petite", "moyenne", "grande", "equipe", "ville", "mairie", "municipal",
    "municipale", "public", "publique", "privee", "saint", "sainte", "cantine", "restaurant",
    "restauration", "garderie", "etude", "etudes", "atelier", "ateliers", "matin", "midi", "soir",
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "vacances", "sous", "dans", "pour",
    "avec", "school", "group", "class", "team", "city", "site",
})
# A password made of a few distinct characters ("aaaaaaaaaaaa", "abababababab") is trivially guessed.
MIN_DISTINCT_CHARACTERS = 5


@cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(fold_joined(line) for line in lines if line.strip() and not line.startswith("#"))


def _is_common(password: str) -> bool:
    simple = fold_joined(password)
    if len(set(simple)) < MIN_DISTINCT_CHARACTERS:
        return True
    common = common_passwords()
    # "iloveyou2024", "2024soleil": a listed password with a few digits around it is no better.
    core = re.sub(r"^\d{1,4}|\d{1,4}$", "", simple)
    return simple in common or (core != simple and core in common)


def _context_words(words) -> set[str]:
    result = {fold_joined(word) for word in SERVICE_WORDS}
    for word in (w for w in words if w):
        # "jean.dupont" and "Le Gall" are checked whole and by part.
        for part in (word, *re.split(r"[\W_]+", word)):
            simple = fold_joined(part)
            if len(simple) >= MIN_CONTEXT_WORD_LENGTH:
                result.add(simple)
    return result


@dataclass(frozen=True)
class PasswordContext:
    """What one user's password must not contain: their own words and the city's place words."""

    personal: tuple[str, ...] = ()
    places: tuple[str, ...] = ()


def place_words(names: Iterable[str | None]) -> tuple[str, ...]:
    """The significant words of place names, folded: "École élémentaire Jean Jaurès" → jaures, jean."""
    words = set()
    for name in names:
        for part in re.split(r"[\W_\d]+", name or ""):
            simple = fold_joined(part)
            if len(simple) >= MIN_PLACE_WORD_LENGTH and simple not in GENERIC_PLACE_WORDS:
                words.add(simple)
    return tuple(sorted(words))


def password_problems(password: str, context_words=(), places: Iterable[str] = ()) -> list[str]:
    """Translated reasons why ``password`` is refused; empty when it is acceptable.

    ``context_words``: the user's names, email, city... (see ``context_words_for``);
    ``places``: the city's place words (see ``place_words``).
    """
    if len(password) < MIN_LENGTH:
        return [_("Use at least %(n)s characters.", n=MIN_LENGTH)]
    if len(password) > MAX_LENGTH:
        return [_("Use at most %(n)s characters.", n=MAX_LENGTH)]
    problems = []
    if _is_common(password):
        problems.append(_("This password is too common and easy to guess."))
    simple = fold_joined(password)
    if any(word in simple for word in _context_words(context_words)):
        problems.append(_("Do not use your name, your email address, the name of the city or words "
                          "such as “school” or “password”."))
    if any(word in simple for word in places):
        problems.append(_("Do not use the name of a school, a group or a service of the city."))
    return problems


def context_words_for(first_name: str | None = None, last_name: str | None = None,
                      email: str | None = None, city_name: str | None = None) -> list[str]:
    """The personal words a user's password must not contain."""
    local_part = (email or "").partition("@")[0]
    return [w for w in (first_name, last_name, local_part, city_name) if w]
