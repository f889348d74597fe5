"""Prices as families read them: "5,00 €" in French, "€5.00" in English, and "Gratuit" for 0.

One helper for every page, so a price never shows as "500" cents or "5.0"."""
from __future__ import annotations

from babel.numbers import format_currency
from flask_babel import get_locale
from flask_babel import gettext as _


def format_price(cents: int | None) -> str:
    if cents is None:
        return ""
    if cents == 0:
        return _("Free")
    return format_currency(cents / 100, "EUR", locale=str(get_locale() or "fr"))
