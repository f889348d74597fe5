"""The name families see: "ENT de Valmont", or whatever the city configured."""
from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _, pgettext

VOWELS = "AEIOUYÂÀÉÈÊÎÏÔÛHaeiouyâàéèêîïôûh"


def product_name() -> str:
    configured = current_app.config.get("PRODUCT_NAME")
    if configured:
        return configured
    city = current_app.config["CITY_NAME"]
    # French elides "de" before a vowel or a mute h: "ENT d'Orléans", "ENT de Valmont".
    if city[:1] in VOWELS:
        return pgettext("city name starting with a vowel", "ENT of %(city)s", city=city)
    return _("ENT of %(city)s", city=city)


def init_app(app) -> None:
    app.context_processor(lambda: {"product_name": product_name()})
