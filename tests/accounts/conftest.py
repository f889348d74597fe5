"""Fixtures for the account tests: English pages, a second browser, email links."""
from __future__ import annotations

import re

import pytest

NEW_PASSWORD = "purple tortoise eats strawberries"


def _english_client(app):
    client = app.test_client()
    # Messages are asserted in English whatever catalogues exist.
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def client(app, db):
    return _english_client(app)


@pytest.fixture
def other_client(app, db):
    """A second browser (another device of the same person, or an attacker)."""
    return _english_client(app)


def link_path(message, prefix: str) -> str:
    """The path of the first link to BASE_URL + prefix in an email."""
    body = message.get_body(("plain",)).get_content()
    match = re.search(r"http://localhost(" + re.escape(prefix) + r"\S+)", body)
    assert match, body
    return match.group(1)


def session_cookie(client) -> str | None:
    cookie = client.get_cookie("ent_lite_session")
    return cookie.value if cookie else None
