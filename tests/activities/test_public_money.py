"""Prices read the way each language writes them; 0 is "Gratuit", never "0,00 €"."""
from __future__ import annotations

from flask_babel import force_locale

from ent_lite.activities.money import format_euros, format_price, format_price_range


def test_prices_in_french_and_english(app):
    with app.test_request_context():
        with force_locale("fr"):
            assert format_price(0) == "Gratuit"
            assert format_price(1250) == "12,50\u00a0€"
            assert format_price_range([800, 200, 500]) == "de 2,00\u00a0€ à 8,00\u00a0€"
            assert format_price_range([500, 500]) == "5,00\u00a0€"
            assert format_price_range([0, 0]) == "Gratuit"
            assert format_euros(1200) == "1\u202f200\u00a0€"
        with force_locale("en"):
            assert format_price(0) == "Free"
            assert format_price(1250) == "€12.50"
            assert format_price_range([0, 800]) == "from €0.00 to €8.00"
            assert format_euros(1200) == "€1,200"
