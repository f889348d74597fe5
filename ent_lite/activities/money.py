"""Prices as families read them: "5,00 €" in French, "€5.00" in English, "Gratuit" for 0.

One helper for every page and feed, so a price never shows as raw cents."""
from __future__ import annotations

from decimal import Decimal

from flask_babel import format_currency
from flask_babel import gettext as _


def format_price(cents: int | None) -> str:
    if not cents:
        return _("Free")
    return format_currency(Decimal(cents) / 100, "EUR")
