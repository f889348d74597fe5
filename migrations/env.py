"""Alembic environment for ent_lite, run through Flask-Migrate (``flask --app ent_lite db ...``).

The app's engine and metadata come from the Flask app; ``create_app`` passes
``render_as_batch=True`` (SQLite cannot ALTER most things) and ``compare_type=True``.
"""
import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

from ent_lite.core.db_types import PublicId, UTCDateTime

config = context.config

# Tests run migrations inside pytest, which owns logging: they set this attribute to False.
if config.config_file_name and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")


def get_engine():
    return current_app.extensions["migrate"].db.engine


def get_metadata():
    return current_app.extensions["migrate"].db.metadata


def render_item(type_, obj, autogen_context):
    """Write ent_lite's column types as plain SQLAlchemy types.

    Migrations then never import application code (which changes over time), and
    the database types are exactly those the TypeDecorators use underneath.
    """
    if type_ == "type":
        if isinstance(obj, UTCDateTime):
            return "sa.DateTime(timezone=True)"
        if isinstance(obj, PublicId):
            return f"sa.String(length={obj.length})"
    return False


def process_revision_directives(context_, revision, directives):
    """Do not write an empty migration when autogenerate finds no change."""
    if getattr(config.cmd_opts, "autogenerate", False):
        script = directives[0]
        if script.upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")


def configure_args() -> dict:
    args = dict(current_app.extensions["migrate"].configure_args)
    args.setdefault("process_revision_directives", process_revision_directives)
    args.setdefault("render_item", render_item)
    return args


def run_migrations_offline():
    """Write the SQL instead of running it (``flask db upgrade --sql``)."""
    url = get_engine().url.render_as_string(hide_password=False)
    context.configure(url=url, target_metadata=get_metadata(), literal_binds=True, **configure_args())
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    with get_engine().connect() as connection:
        context.configure(connection=connection, target_metadata=get_metadata(), **configure_args())
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
