"""On SQLite, while one request uploads near-limit photos, other people log in and read.

A real threaded HTTP server and a SQLite FILE database, as a small city runs it. Processing
the photos takes a few seconds; it happens before the request's first write, so no write
lock is held meanwhile, and the logins (which write the login time) only wait for other
short writes. The busy timeout is set to one second here, far below the default: a write
lock held during the processing would turn those logins into 500 ("database is locked").
"""
from __future__ import annotations

import http.cookiejar
import io
import re
import sqlite3
import threading
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.serving import make_server
from werkzeug.test import encode_multipart

from ent_lite import create_app
from ent_lite.extensions import db
from ent_lite.files.models import Attachment
from tests import factories
from tests.conftest import SECRET_KEY
from tests.conversations.helpers import start_child
from tests.files import images

BUSY_TIMEOUT_SECONDS = 1.0
NEAR_LIMIT_PHOTOS = 2
# Steady traffic rather than a flood: the point is that requests overlap, not to starve the CPU.
PAUSE_SECONDS = 0.1
LOGIN_ROLES = ("teacher_b", "director", "parent_b", "parent_a2")


@cache
def near_limit_png() -> bytes:
    """5000 × 5000 with transparency: 100 MB decoded, just under the bound for one photo."""
    image = Image.new("RGBA", (5000, 5000), (30, 120, 200, 255))
    ImageDraw.Draw(image).rectangle((0, 0, 2500, 2500), fill=(200, 30, 30, 128))
    return images.encode(image, "PNG", compress_level=1)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is an answer to look at, not to follow


class Browser:
    """A browser with its own cookies, speaking HTTP to the server."""

    def __init__(self, base: str) -> None:
        self.base = base
        cookies = urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        self.opener = urllib.request.build_opener(cookies, NoRedirect)

    def send(self, path: str, body: bytes | None = None, content_type: str | None = None) -> tuple[int, str]:
        headers = {"Accept-Language": "en"} | ({"Content-Type": content_type} if content_type else {})
        request = urllib.request.Request(self.base + path, data=body, headers=headers)
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.read().decode()

    def token(self, page_path: str) -> str:
        status, page = self.send(page_path)
        assert status == 200, (page_path, status)
        return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

    def log_in(self, email: str) -> int:
        fields = {"email": email, "password": factories.PASSWORD, "csrf_token": self.token("/login")}
        return self.send("/login", urllib.parse.urlencode(fields).encode(), "application/x-www-form-urlencoded")[0]

    def post_files(self, path: str, page_path: str, fields: dict, files: list[tuple[bytes, str]]) -> int:
        values = MultiDict({**fields, "csrf_token": self.token(page_path)})
        for data, name in files:
            values.add("files", FileStorage(io.BytesIO(data), filename=name, content_type="image/png"))
        boundary, body = encode_multipart(values)
        return self.send(path, body, f"multipart/form-data; boundary={boundary}")[0]


@dataclass
class City:
    app: object
    base: str
    emails: dict[str, str]
    thread_id: str
    database: Path


@pytest.fixture
def sqlite_city(tmp_path, smtp_server):
    controller, _ = smtp_server
    database = tmp_path / "city.sqlite3"
    app = create_app({
        "ENT_LITE_ENV": "test", "SECRET_KEY": SECRET_KEY, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
        "MAIL_SERVER": controller.hostname, "MAIL_PORT": controller.port, "MAIL_SUPPRESS": False,
        "BASE_URL": "http://localhost", "FILES_PATH": str(tmp_path / "files"),
        "SQLITE_BUSY_TIMEOUT_SECONDS": BUSY_TIMEOUT_SECONDS,
    })
    with app.app_context():
        db.create_all()
        world = factories.build_world()
        thread, _ = start_child(world)
        city = City(app, "", {role: getattr(world, role).email for role in ("parent_a", "teacher_a", *LOGIN_ROLES)},
                    thread.public_id, database)
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()
    city.base = f"http://127.0.0.1:{server.server_port}"
    yield city
    server.shutdown()
    server.server_close()
    with app.app_context():
        db.engine.dispose()


def test_logins_and_reads_succeed_while_near_limit_photos_are_processed(sqlite_city):
    city = sqlite_city
    uploader, reader = Browser(city.base), Browser(city.base)
    assert uploader.log_in(city.emails["parent_a"]) == 302
    assert reader.log_in(city.emails["teacher_a"]) == 302
    photos = [(near_limit_png(), f"plan-{n}.png") for n in range(NEAR_LIMIT_PHOTOS)]
    thread_page = f"/messages/{city.thread_id}"
    done = threading.Event()
    upload_status, logins, reads = [], [], []

    def upload() -> None:
        try:
            upload_status.append(uploader.post_files(f"{thread_page}/reply", thread_page,
                                                     {"body": "Les plans de la sortie."}, photos))
        finally:
            done.set()

    def log_in_again_and_again() -> None:
        while not done.is_set():
            for role in LOGIN_ROLES:
                status = Browser(city.base).log_in(city.emails[role])
                logins.append((status, not done.is_set()))
                done.wait(PAUSE_SECONDS)

    def read_again_and_again() -> None:
        while not done.is_set():
            for path in ("/news", "/messages"):
                status = reader.send(path)[0]
                reads.append((status, not done.is_set()))
                done.wait(PAUSE_SECONDS)

    workers = [threading.Thread(target=work) for work in (upload, log_in_again_and_again, read_again_and_again)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)

    assert upload_status == [302]
    assert [status for status, _ in logins if status != 302] == []
    assert [status for status, _ in reads if status != 200] == []
    # They really ran while the photos were being processed.
    assert sum(during for _, during in logins) >= 2 and sum(during for _, during in reads) >= 2
    with city.app.app_context():
        assert db.session.scalar(select(func.count(Attachment.id))) == NEAR_LIMIT_PHOTOS
        db.session.remove()


def test_reads_go_on_while_another_connection_holds_the_write_lock(sqlite_city):
    """Write-ahead logging: a writer (a roster import, a purge) never makes readers wait."""
    city = sqlite_city
    reader = Browser(city.base)
    assert reader.log_in(city.emails["teacher_a"]) == 302
    writer = sqlite3.connect(city.database, isolation_level=None, timeout=0)
    try:
        writer.execute("BEGIN EXCLUSIVE")
        writer.execute("UPDATE city SET name = name")
        statuses = [reader.send(path)[0] for path in ("/news", "/messages")]
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert statuses == [200, 200]
