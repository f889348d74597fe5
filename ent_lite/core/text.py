"""Comparing what people type: names folded the way people read them, email addresses."""
from __future__ import annotations

import unicodedata


# Not cached: passwords go through it, and a cache would keep them (and pupils' names) in memory.
def fold(text: str) -> str:
    """No accents, case, punctuation or extra spaces: "  Jean-Éric D'ARTAGNAN " -> "jean eric d artagnan".

    Letters of every script are kept, so that two names written in Arabic or Cyrillic do not both
    fold to an empty string and look like the same person.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = "".join(ch if ch.isalnum() else " " for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(kept.split())


def fold_joined(text: str) -> str:
    """``fold`` without the spaces: "Le Gall", "LE-GALL" and "legall" are all "legall"."""
    return fold(text).replace(" ", "")


def normalise_email(text: str | None) -> str:
    """Addresses are stored and compared lower-cased, without surrounding spaces."""
    return (text or "").strip().lower()
