"""The baseline ``bench/pages.py`` serves beside the app: a bare Flask app answering one small
page, with no database, session or template, served by gunicorn exactly as the app is."""
from __future__ import annotations

from flask import Flask

app = Flask(__name__)

PAGE = "<!doctype html><html lang=fr><title>Bonjour</title><main><h1>Bonjour</h1><p>Une page.</p></main></html>"


@app.get("/")
def page() -> str:
    return PAGE
