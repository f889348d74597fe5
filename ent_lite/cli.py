"""Command line: ``flask --app ent_lite ent-lite ...`` and ``flask --app ent_lite translate ...``.

The ``ent-lite`` console script is a shortcut for ``flask --app ent_lite ent-lite``.

Each feature's ``commands`` module attaches its commands to ``ent_lite_cli``; the app factory
imports those modules. This module imports none of them, nor the app factory, so the features
can import it without making a cycle.
"""
from __future__ import annotations

import subprocess
import sys

import click
from babel.messages.pofile import read_po, write_po
from flask.cli import AppGroup, FlaskGroup

from ent_lite.config import PROJECT_ROOT, TRANSLATIONS_DIR

ent_lite_cli = AppGroup("ent-lite", help="ent_lite administration commands.")
translate_cli = AppGroup("translate", help="Extract, update and compile the translation catalogues.")

POT_FILE = TRANSLATIONS_DIR / "messages.pot"


def _pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=PROJECT_ROOT)


@translate_cli.command("extract")
def translate_extract():
    """Write translations/messages.pot from the code and templates."""
    _pybabel("extract", "-F", "babel.cfg", "-k", "_l", "--no-location", "--sort-output",
             "-o", str(POT_FILE), "ent_lite")


SOURCE_LANGUAGE = "en"


@translate_cli.command("update")
def translate_update():
    """Extract, then merge new strings into every catalogue.

    The source strings are English, so the English catalogue is completed with them;
    the other catalogues keep new strings empty until they are translated.
    """
    translate_extract.callback()
    _pybabel("update", "-i", str(POT_FILE), "-d", str(TRANSLATIONS_DIR), "--no-fuzzy-matching")
    _fill_source_catalogue(TRANSLATIONS_DIR / SOURCE_LANGUAGE / "LC_MESSAGES" / "messages.po")


def _fill_source_catalogue(path) -> None:
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=SOURCE_LANGUAGE)
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, (list, tuple)):
            if not all(message.string):
                message.string = tuple(message.id)
        elif not message.string:
            message.string = message.id
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, ignore_obsolete=True)


@translate_cli.command("compile")
def translate_compile():
    """Compile the .po catalogues into the .mo files the app reads."""
    _pybabel("compile", "-d", str(TRANSLATIONS_DIR))


@translate_cli.command("init")
@click.argument("language")
def translate_init(language: str):
    """Start a catalogue for a new language."""
    translate_extract.callback()
    _pybabel("init", "-i", str(POT_FILE), "-d", str(TRANSLATIONS_DIR), "-l", language)


def main() -> None:
    """Console entry point: ``ent-lite import-roster FILE`` == ``flask --app ent_lite ent-lite ...``."""
    # Flask finds ``create_app`` in the package named by --app, as for ``flask --app ent_lite``.
    sys.argv = [sys.argv[0], "--app", "ent_lite", "ent-lite", *sys.argv[1:]]
    FlaskGroup().main()
