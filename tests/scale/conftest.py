"""The production layout in small: app servers and workers as separate processes on one database.

Each process is a real ``gunicorn`` or ``flask ent-lite worker`` on the test database (the
SQLite file, or PostgreSQL when TEST_DATABASE_URL names one), configured through its
environment as an operator would. The app servers keep their rate-limit counters in Redis:
``scripts/test`` starts one and exports TEST_REDIS_URL; without it, a throwaway
``redis-server`` is started here. No Redis at all is a failure, never a skip: these tests are
what shows that several servers count as one.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from urllib.request import urlopen

import pytest
import redis
from limits.storage import storage_from_string

from ent_lite import PROJECT_ROOT
from tests.conftest import SECRET_KEY, _free_port

STARTUP_SECONDS = 60


def _answers(url: str) -> bool:
    try:
        with redis.Redis.from_url(url, socket_timeout=1) as client:
            return client.ping()
    except redis.RedisError:
        return False


def _throwaway_redis(tmp_path_factory):
    """A redis-server on a free loopback port, nothing written to disk; stopped with the session."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("These tests need Redis: install Debian's redis-server (scripts/test does) "
                    "or set TEST_REDIS_URL=redis://host:port/0.", pytrace=False)
    port = _free_port()
    folder = tmp_path_factory.mktemp("redis")
    log = folder / "redis.log"
    process = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
                                "no", "--dir", str(folder), "--logfile", str(log)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + STARTUP_SECONDS
    while not _answers(url):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            process.wait()
            pytest.fail(f"redis-server did not start: {log.read_text() if log.exists() else ''}", pytrace=False)
        time.sleep(0.05)
    return process, url


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """A Redis URL that answers: TEST_REDIS_URL when set (it must answer), else a throwaway server."""
    url = os.environ.get("TEST_REDIS_URL")
    if url:
        if not _answers(url):
            pytest.fail(f"TEST_REDIS_URL={url} does not answer.", pytrace=False)
        yield url
        return
    process, url = _throwaway_redis(tmp_path_factory)
    yield url
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture
def shared_counters(redis_url):
    """The rate-limit counters in Redis, emptied for the test (only the limiter's keys)."""
    storage = storage_from_string(redis_url)
    storage.reset()
    yield storage
    storage.reset()


def process_env(app, instance, **settings: str) -> dict[str, str]:
    """What an operator would put in every process's environment: one database, one secret,
    one SMTP relay, one folder of uploaded files."""
    return {
        **os.environ,
        "ENT_LITE_ENV": "test",
        "ENT_LITE_SECRET_KEY": SECRET_KEY,
        "ENT_LITE_INSTANCE_PATH": str(instance),
        "ENT_LITE_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "ENT_LITE_FILES_PATH": str(instance / "files"),
        "ENT_LITE_MAIL_SERVER": app.config["MAIL_SERVER"],
        "ENT_LITE_MAIL_PORT": str(app.config["MAIL_PORT"]),
        "ENT_LITE_MAIL_FROM": app.config["MAIL_FROM"],
        "ENT_LITE_MAIL_SUPPRESS": "false",
        **{f"ENT_LITE_{name}": value for name, value in settings.items()},
    }


def wait_until_serving(process: subprocess.Popen, base_url: str, log) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        try:
            with urlopen(base_url + "/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:  # refused, reset or timed out while it starts
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            stop(process, signal.SIGINT)
            pytest.fail(f"gunicorn did not serve {base_url}: {log.read_text()}", pytrace=False)
        time.sleep(0.1)


def start_app_server(env: dict[str, str], log) -> tuple[subprocess.Popen, str]:
    """One app server as production runs it: gunicorn, one worker process; returns (process, URL)
    at once (``wait_until_serving`` waits for it). Its log goes to the file ``log``: a pipe nobody
    reads could fill up and block it."""
    port = _free_port()
    command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "2",
               "--log-level", "warning", "ent_lite:create_app()"]
    with open(log, "w") as output:
        process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    return process, f"http://127.0.0.1:{port}"


def stop(process: subprocess.Popen, signum: int = signal.SIGTERM) -> tuple[str, str]:
    """Stop a process we started (the worker ends its send in flight on SIGTERM; gunicorn quits
    at once on SIGINT); returns what it printed."""
    if process.poll() is None:
        process.send_signal(signum)
    try:
        return process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.communicate()


@pytest.fixture(scope="module")
def two_app_servers(app, redis_url, tmp_path_factory):
    """Two gunicorn servers on the test database, their rate-limit counters in Redis."""
    instance = tmp_path_factory.mktemp("servers")
    env = process_env(app, instance, RATELIMIT_STORAGE_URI=redis_url)
    logs = [instance / f"gunicorn-{n}.log" for n in (1, 2)]
    servers = [start_app_server(env, log) for log in logs]  # both start at once: half the wait
    try:
        for (process, url), log in zip(servers, logs, strict=True):
            wait_until_serving(process, url, log)
        yield [url for _, url in servers]
    finally:
        for process, _ in servers:
            stop(process, signal.SIGINT)
