"""Prices as families read them: "Gratuit" for 0, else "12,50 €", localised with Babel.

Prices are stored in cents (``ActivityPrice.amount_cents``) so no sum ever drifts; this is the
one place that turns them into text, so a page, a feed and an e-mail never disagree.
"""
from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from babel import Locale
from babel.numbers import format_currency
from flask_babel import get_locale
from flask_babel import gettext as _

CURRENCY = "EUR"


def _locale() -> str:
    return str(get_locale() or "fr")


def _amount(cents: int) -> str:
    return format_currency(Decimal(cents) / 100, CURRENCY, locale=_locale())


def format_price(cents: int | None) -> str:
    """"Gratuit" / "Free" for 0, else "12,50 €" (French) or "€12.50" (English); "" when unknown."""
    if cents is None:
        return ""
    if cents == 0:
        return _("Free")
    return _amount(cents)


def format_price_range(amounts: Iterable[int]) -> str:
    """"Gratuit", "5,00 €" when every bracket pays the same, else "de 2,00 € à 8,00 €".

    A range starting at 0 reads "de 0,00 € à 8,00 €": "de Gratuit à" is not a sentence.
    """
    values = sorted(set(amounts))
    if not values:
        return ""
    if len(values) == 1:
        return format_price(values[0])
    return _("from %(low)s to %(high)s", low=_amount(values[0]), high=_amount(values[-1]))


def format_euros(amount: int) -> str:
    """Whole euros for bounds such as family quotients: "1 200 €" (French), "€1,200" (English)."""
    locale = Locale.parse(_locale())
    pattern = locale.currency_formats["standard"].pattern.split(";")[0].replace(".00", "")
    return format_currency(amount, CURRENCY, format=pattern, locale=locale, currency_digits=False)
