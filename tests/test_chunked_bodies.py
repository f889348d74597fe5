"""A chunked request body (no Content-Length) over the size limit is refused with 413, never
cut at the limit and processed; one within the limit works as any other body."""
from __future__ import annotations

import http.client
import io
import re
from urllib.parse import urlencode, urlsplit

import pytest
from sqlalchemy import select

from ent_lite.audit.models import AuditEntry
from ent_lite.extensions import db
from tests import factories

LIMIT = 20_000


@pytest.fixture
def small_limit(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", LIMIT)


def login_body(user, csrf_token: str, padding: int) -> bytes:
    """The login form's fields first, then a field long enough to cross the limit."""
    return urlencode({"csrf_token": csrf_token, "email": user.email, "password": factories.PASSWORD,
                      "padding": "x" * padding}).encode()


def logins() -> int:
    return len(db.session.scalars(select(AuditEntry).where(AuditEntry.action == "login.success")).all())


class Browser:
    """A raw HTTP/1.1 client that keeps the session cookie and sends bodies in chunks."""

    def __init__(self, base_url: str):
        parts = urlsplit(base_url)
        self.host, self.port, self.cookie = parts.hostname, parts.port, ""

    def _send(self, method: str, path: str, chunks=None, headers=None) -> tuple[int, str]:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            connection.putrequest(method, path)
            for name, value in {**(headers or {}), "Cookie": self.cookie}.items():
                if value:
                    connection.putheader(name, value)
            if chunks is not None:
                connection.putheader("Transfer-Encoding", "chunked")
            connection.endheaders()
            for chunk in chunks or ():
                connection.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            if chunks is not None:
                connection.send(b"0\r\n\r\n")
            response = connection.getresponse()
            body = response.read().decode("utf-8", "replace")
            cookie = response.getheader("Set-Cookie")
            if cookie:
                self.cookie = cookie.split(";", 1)[0]
            return response.status, body
        finally:
            connection.close()

    def get(self, path: str) -> tuple[int, str]:
        return self._send("GET", path, headers={"Accept-Language": "en"})

    def post_chunked(self, path: str, body: bytes, size: int = 4096) -> tuple[int, str]:
        chunks = [body[i:i + size] for i in range(0, len(body), size)]
        return self._send("POST", path, chunks, headers={
            "Content-Type": "application/x-www-form-urlencoded", "Accept-Language": "en"})


def csrf_from(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_a_real_server_refuses_a_chunked_body_over_the_limit(live_server, world, small_limit):
    browser = Browser(live_server)
    _status, page = browser.get("/login")
    status, text = browser.post_chunked("/login", login_body(world.parent_a, csrf_from(page), LIMIT))
    assert status == 413 and "What you sent is too large." in text
    db.session.rollback()
    assert logins() == 0  # the fields before the limit were not used


def test_a_real_server_accepts_a_chunked_body_within_the_limit(live_server, world, small_limit):
    browser = Browser(live_server)
    _status, page = browser.get("/login")
    status, _text = browser.post_chunked("/login", login_body(world.parent_a, csrf_from(page), LIMIT // 2))
    assert status == 302
    db.session.rollback()
    assert logins() == 1


def test_the_test_client_sees_the_same_refusal(client, world, small_limit):
    """A body of unknown length handed over by a server that ends the stream itself."""
    client.get("/login")

    def post(padding: int):
        return client.post("/login", csrf=False, input_stream=io.BytesIO(login_body(
            world.parent_a, client.csrf_token(), padding)), content_type="application/x-www-form-urlencoded",
            environ_overrides={"wsgi.input_terminated": True},
            headers={"Accept-Language": "en", "Transfer-Encoding": "chunked"})

    refused = post(LIMIT)
    assert refused.status_code == 413 and "What you sent is too large." in refused.get_data(as_text=True)
    assert logins() == 0
    assert post(LIMIT // 2).status_code == 302 and logins() == 1


def test_a_body_with_a_length_over_the_limit_is_refused_as_before(client, world, small_limit):
    client.get("/login")
    response = client.post("/login", data={"email": world.parent_a.email, "password": factories.PASSWORD,
                                           "padding": "x" * LIMIT})
    assert response.status_code == 413 and logins() == 0
