"""Language choice: the user's setting, then the session, then Accept-Language."""
from __future__ import annotations

from flask import Blueprint, has_request_context, redirect, request, session, url_for
from flask_babel import get_locale
from flask_login import current_user

from ent_lite.core.auth import public, safe_next
from ent_lite.extensions import db

LANGUAGES = {"fr": "Français", "en": "English"}
DEFAULT_LANGUAGE = "fr"

bp = Blueprint("i18n", __name__)


def select_locale() -> str:
    if not has_request_context():
        return DEFAULT_LANGUAGE
    if current_user and current_user.is_authenticated and current_user.locale in LANGUAGES:
        return current_user.locale
    if session.get("lang") in LANGUAGES:
        return session["lang"]
    return request.accept_languages.best_match(list(LANGUAGES), DEFAULT_LANGUAGE)


@bp.post("/language")
@public
def switch_language():
    lang = request.form.get("lang")
    if lang in LANGUAGES:
        session["lang"] = lang
        if current_user.is_authenticated:
            current_user.locale = lang
            db.session.commit()
    return redirect(safe_next(request.form.get("next"), url_for("core.home")))


def other_languages(current: str) -> list[tuple[str, str]]:
    return [(code, name) for code, name in LANGUAGES.items() if code != current]


def init_app(app) -> None:
    app.register_blueprint(bp)

    @app.context_processor
    def language_context():
        current = str(get_locale() or DEFAULT_LANGUAGE)
        return {"current_language": current, "other_languages": other_languages(current)}
