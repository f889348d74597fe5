"""Shared fixtures: one app per run, an empty database per test, real SMTP, logins.

The database is SQLite in a temporary file unless TEST_DATABASE_URL points at a
PostgreSQL server (the README's test command starts one and runs the suite twice).
"""
from __future__ import annotations

import email
import hashlib
import os
import re
import socket
import tempfile
import threading
import time
from email import policy
from urllib.parse import urlsplit

import pyotp
import pytest
from flask import g, has_app_context
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer

from ent_lite import create_app
from ent_lite.extensions import db as _db, limiter

from tests import factories

SECRET_KEY = "test-secret-key-" + "x" * 40


class Mailbox(list):
    """Messages received by the local SMTP server, parsed with the modern email policy."""

    def to(self, address: str):
        return [m for m in self if address.lower() in m["To"].lower()]


class MailHandler:
    def __init__(self, mailbox: Mailbox):
        self.mailbox = mailbox

    async def handle_DATA(self, server, session, envelope):
        self.mailbox.append(email.message_from_bytes(envelope.original_content, policy=policy.default))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def smtp_server():
    from aiosmtpd.controller import Controller

    mailbox = Mailbox()
    controller = Controller(MailHandler(mailbox), hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller, mailbox
    controller.stop()


@pytest.fixture
def mailbox(smtp_server):
    _, box = smtp_server
    box.clear()
    return box


class CSRFClient(FlaskClient):
    """A test client that sends a valid CSRF token with every POST, as a browser form would.

    Pass ``csrf=False`` to post without one (to test the protection itself).
    """

    def open(self, *args, **kwargs):
        # The test's app context (and so ``g``) outlives each request: forget the
        # user and locale the previous request cached, as a new request would.
        if has_app_context():
            g.pop("_login_user", None)
            g.pop("_flask_babel", None)
        # Read the whole body and close the response as a server does, which runs the
        # work scheduled after the response (mails sent with send_mail_after_response).
        kwargs.setdefault("buffered", True)
        add_token = kwargs.pop("csrf", True)
        method = kwargs.get("method", "GET")
        data = kwargs.get("data")
        if add_token and method == "POST" and (data is None or isinstance(data, dict)):
            data = dict(data or {})
            data.setdefault("csrf_token", self.csrf_token())
            kwargs["data"] = data
        return super().open(*args, **kwargs)

    def csrf_token(self) -> str:
        with self.session_transaction() as session:
            raw = session.setdefault("csrf_token", hashlib.sha1(os.urandom(64)).hexdigest())
        return URLSafeTimedSerializer(self.application.secret_key, salt="wtf-csrf-token").dumps(raw)


@pytest.fixture(scope="session")
def app(smtp_server, tmp_path_factory):
    controller, _ = smtp_server
    instance = tmp_path_factory.mktemp("instance")
    database_url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{instance}/test.sqlite3"
    application = create_app(
        {
            "ENT_LITE_ENV": "test",
            "PASSWORD_HASH_PROFILE": "light",
            "SECRET_KEY": SECRET_KEY,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "MAIL_SERVER": controller.hostname,
            "MAIL_PORT": controller.port,
            "MAIL_SUPPRESS": False,
            "BASE_URL": "http://localhost",
            "SERVER_NAME": None,
            "FILES_PATH": str(instance / "files"),
        }
    )
    application.test_client_class = CSRFClient
    with application.app_context():
        _db.drop_all()
        _db.create_all()
    yield application
    with application.app_context():
        _db.drop_all()
        _db.engine.dispose()


def empty_database() -> None:
    """Drop what the session holds and delete every row, children before parents."""
    _db.session.rollback()
    _db.session.remove()
    with _db.engine.begin() as connection:
        for table in reversed(_db.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture
def db(app):
    """An empty database for each test, and fresh rate-limit counters."""
    with app.app_context():
        yield _db
        empty_database()
    limiter.reset()


@pytest.fixture
def client(app, db):
    return app.test_client()


@pytest.fixture
def english(client):
    """English pages, so assertions read the source strings whatever the catalogues say."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture(autouse=True)
def files_folder(app, tmp_path, monkeypatch):
    """Uploaded files of each test go to a private folder."""
    folder = tmp_path / "stored-files"
    monkeypatch.setitem(app.config, "FILES_PATH", str(folder))
    return folder


@pytest.fixture(autouse=True)
def audit_anchors(app, tmp_path, monkeypatch):
    """Each test's audit anchors go to its own file (an anchor left by another test would name
    an entry this test's empty database does not have)."""
    path = tmp_path / "audit-anchors.jsonl"
    monkeypatch.setitem(app.config, "AUDIT_ANCHOR_PATH", str(path))
    return path


@pytest.fixture
def runner(app, db):
    return app.test_cli_runner()


@pytest.fixture
def world(db):
    """A small city: two schools, three classes, staff of every role, families."""
    return factories.build_world()


@pytest.fixture
def life(world):
    """The world plus a city service with two agents and a periscolaire site with morning,
    evening and Wednesday groups, an animator per group and a site lead (tests/city_life)."""
    from tests.city_life.factories import build_city_life

    return build_city_life(world)


class SecondFactor:
    """Passes the second factor of administrators and DPOs through the real forms.

    The first login enrols the account with the key shown on the setup page and keeps the
    recovery codes that page shows; later logins type the app's code, or, when every code
    of the accepted window has been used (several logins within a minute), a recovery code.
    """

    def __init__(self):
        self.recovery_codes: dict[str, list[str]] = {}

    def pass_(self, client, user, response):
        path = urlsplit(response.headers["Location"]).path
        if path != "/login/two-factor":
            return
        page = client.get(response.headers["Location"])
        if page.status_code == 302:  # not enrolled yet: the setup page
            self._enrol(client, user, page.headers["Location"])
        else:
            self._give_code(client, user, response.headers["Location"])

    def _enrol(self, client, user, url):
        html = client.get(url).get_data(as_text=True)
        if '<p class="code"' not in html:  # the page makes a key only when asked, by a POST
            client.post(url.replace("/login/two-factor/setup", "/login/two-factor/setup/key", 1))
            html = client.get(url).get_data(as_text=True)
        secret = re.search(r'<p class="code" translate="no">([A-Z2-7 ]+)</p>', html).group(1).replace(" ", "")
        done = client.post(url, data={"code": pyotp.TOTP(secret).now()})
        assert done.status_code == 200, done.get_data(as_text=True)
        codes = re.findall(r"<li>([a-z0-9]{4}(?:-[a-z0-9]{4}){3})</li>", done.get_data(as_text=True))
        assert len(codes) == 10
        self.recovery_codes[user.public_id] = codes

    def _give_code(self, client, user, url):
        secret, last = user.totp_secret, user.totp_last_step
        now = int(time.time()) // 30
        free = [step for step in (now, now + 1) if last is None or step > last]
        if free:
            response = client.post(url, data={"code": pyotp.TOTP(secret).generate_otp(free[0])})
        else:
            recovery_url = url.replace("/login/two-factor", "/login/two-factor/recovery", 1)
            response = client.post(recovery_url, data={"code": self.recovery_codes[user.public_id].pop()})
        assert response.status_code == 302, response.get_data(as_text=True)


@pytest.fixture
def login_as(client):
    """Log a user in through the real login form (and second factor); returns the client."""
    second_factor = SecondFactor()

    def _login(user, password: str = factories.PASSWORD, target=None):
        target = target or client
        target.post("/logout")
        response = target.post("/login", data={"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        second_factor.pass_(target, user, response)
        return target

    return _login


@pytest.fixture
def tmp_text_file():
    """Write text to a temporary file with a given encoding; returns its path."""
    paths = []

    def _write(text: str, encoding: str = "utf-8") -> str:
        handle = tempfile.NamedTemporaryFile("wb", suffix=".csv", delete=False)
        handle.write(text.encode(encoding))
        handle.close()
        paths.append(handle.name)
        return handle.name

    yield _write
    for path in paths:
        os.unlink(path)


def _whole_responses(app):
    """Read each response whole and close it before the server writes it.

    Chromium drops connections it no longer needs (an icon when the page
    moves on); Werkzeug's development server then skips closing the
    response, and the static file it held open surfaces later as a
    ResourceWarning in whichever test is running."""

    def serve(environ, start_response):
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()

    return serve


@pytest.fixture(scope="session")
def live_server(app):
    """The app served over HTTP in a thread, for the browser tests."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, _whole_responses(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
