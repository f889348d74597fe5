"""ent_lite: the school–family channel of a city's primary schools.

``create_app`` assembles the app from its parts: settings, extensions, every feature's blueprint
and command-line commands. The features never import this module back; they share the
extensions of ``ent_lite.extensions`` and the command group of ``ent_lite.cli``.
"""
from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from ent_lite import config as config_module
from ent_lite import hooks
from ent_lite import models  # noqa: F401  (registers every table)
from ent_lite import navigation
from ent_lite.absences.views import bp as absences_bp
from ent_lite.accounts import sessions
from ent_lite.accounts.views import bp as accounts_bp
from ent_lite.activities.views import bp as activities_bp
from ent_lite.admin.views import bp as admin_bp
from ent_lite.agenda.views import bp as agenda_bp
from ent_lite.cli import ent_lite_cli, translate_cli
from ent_lite.config import MIGRATIONS_DIR, PROJECT_ROOT, TRANSLATIONS_DIR  # noqa: F401  (PROJECT_ROOT: for tests and scripts)
from ent_lite.consents.views import bp as consents_bp
from ent_lite.conversations.views import bp as conversations_bp
from ent_lite.core import auth, branding, database, dates, errors, form_errors, i18n, security
from ent_lite.core.request_body import LimitedRequest
from ent_lite.core.views import bp as core_bp
from ent_lite.dpo.views import bp as dpo_bp
from ent_lite.extensions import babel, csrf, db, limiter, login_manager, migrate
from ent_lite.files.views import bp as files_bp
from ent_lite.forms.views import bp as forms_bp
from ent_lite.notifications.views import bp as notifications_bp
from ent_lite.periscolaire.views import bp as periscolaire_bp
from ent_lite.posts.views import bp as posts_bp
from ent_lite.privacy.views import bp as privacy_bp
from ent_lite.rights.views import bp as rights_bp
from ent_lite.rules import template_globals
from ent_lite.school.views import bp as school_bp

# Each commands module attaches its commands to ``ent_lite_cli`` when imported.
from ent_lite.accounts import two_factor_commands  # noqa: F401
from ent_lite.activities import commands as activities_commands  # noqa: F401
from ent_lite.admin import commands as admin_commands  # noqa: F401
from ent_lite.audit import commands as audit_commands  # noqa: F401
from ent_lite.demo import commands as demo_commands  # noqa: F401
from ent_lite.erasure import commands as erasure_commands  # noqa: F401
from ent_lite.generator import commands as generator_commands  # noqa: F401
from ent_lite.notifications import commands as notifications_commands  # noqa: F401
from ent_lite.privacy import commands as privacy_commands  # noqa: F401
from ent_lite.school import commands as school_commands  # noqa: F401


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_path=os.environ.get("ENT_LITE_INSTANCE_PATH"))
    app.request_class = LimitedRequest
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    settings = config_module.from_environment(app.instance_path, (config or {}).get("ENT_LITE_ENV"))
    settings.update(config or {})
    config_module.ensure_secret_key(settings, app.instance_path)
    config_module.check_shared_counters(settings)
    app.config.update(settings)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS_DIR))
    app.config["REMEMBER_COOKIE_DURATION"] = _days(app.config["REMEMBER_COOKIE_DURATION_DAYS"])
    for name in ("HTTPONLY", "SAMESITE", "SECURE"):
        app.config[f"REMEMBER_COOKIE_{name}"] = app.config[f"SESSION_COOKIE_{name}"]

    if app.config["PROXY_COUNT"]:
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
    _init_extensions(app)
    _register_blueprints(app)
    _register_cli(app)
    return app


def _days(n: int) -> timedelta:
    return timedelta(days=n)


def _init_extensions(app: Flask) -> None:
    hooks.load()
    db.init_app(app)
    with app.app_context():
        for engine in db.engines.values():
            database.configure_sqlite(engine, app.config["SQLITE_BUSY_TIMEOUT_SECONDS"])
            database.configure_postgresql(engine)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    limiter.init_app(app)
    login_manager.init_app(app)
    sessions.init_app(app)
    i18n.init_app(app)
    dates.init_app(app)
    branding.init_app(app)
    form_errors.init_app(app)
    navigation.init_app(app)
    template_globals.init_app(app)
    errors.register(app)
    app.before_request(security.refuse_nul_bytes)
    app.before_request(auth.login_wall)
    app.after_request(security.add_security_headers)


def _register_blueprints(app: Flask) -> None:
    for blueprint in (core_bp, accounts_bp, school_bp, posts_bp, files_bp, forms_bp, conversations_bp, privacy_bp, consents_bp, admin_bp, dpo_bp, rights_bp,
                      notifications_bp, activities_bp, agenda_bp, absences_bp, periscolaire_bp):
        app.register_blueprint(blueprint)


def _register_cli(app: Flask) -> None:
    app.cli.add_command(ent_lite_cli)
    app.cli.add_command(translate_cli)
