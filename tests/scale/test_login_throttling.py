"""Login throttling counts every attempt once, whichever app server receives it.

Two gunicorn servers share their counters in Redis. Failed logins for one account sent in
turn to each server are refused at the same count as on one server (the first limit of
``LOGIN_PER_ACCOUNT``). With counters per process, each server would see only its share of
the attempts and the attacker would get twice the guesses: these tests then fail. When
Redis does not answer, the login form refuses (an error page) rather than check passwords
that nothing counts.
"""
from __future__ import annotations

import re
import subprocess
import sys
from http.cookiejar import CookieJar
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, Request, build_opener

import pytest
from limits import parse_many

from ent_lite import PROJECT_ROOT
from ent_lite.accounts.throttling import LOGIN_PER_ACCOUNT
from tests import factories
from tests.conftest import _free_port
from tests.scale.conftest import process_env

WRONG_PASSWORD = "not the password at all"
# The first (tightest) per-account limit: 5 failures a minute.
LIMIT = parse_many(LOGIN_PER_ACCOUNT)[0].amount


class _NoRedirect(HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a successful login's 302 is the answer looked at


def attempt_login(base_url: str, email: str, password: str) -> int:
    """The login form filled in by a new browser (its own cookies); returns the HTTP status."""
    opener = build_opener(HTTPCookieProcessor(CookieJar()), _NoRedirect())
    with opener.open(base_url + "/login", timeout=30) as page:
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.read().decode()).group(1)
    form = urlencode({"csrf_token": token, "email": email, "password": password}).encode()
    try:
        with opener.open(Request(base_url + "/login", data=form), timeout=30) as response:
            return response.status
    except HTTPError as error:
        error.close()
        return error.code


@pytest.mark.parametrize("layout", ["one server", "two servers in turn"])
def test_failed_logins_are_refused_at_the_same_count_on_one_server_or_two(two_app_servers, shared_counters,
                                                                          world, layout):
    servers = two_app_servers[:1] if layout == "one server" else two_app_servers
    email = world.parent_a.email

    for attempt in range(LIMIT):
        assert attempt_login(servers[attempt % len(servers)], email, WRONG_PASSWORD) == 200, attempt
    # The next attempt is refused on every server; even the right password waits.
    assert attempt_login(servers[LIMIT % len(servers)], email, WRONG_PASSWORD) == 429
    assert attempt_login(servers[(LIMIT + 1) % len(servers)], email, factories.PASSWORD) == 429


def test_a_login_that_succeeds_on_one_server_takes_no_place_on_the_other(two_app_servers, shared_counters, world):
    first, second = two_app_servers
    email = world.parent_a.email
    for attempt in range(LIMIT - 1):
        assert attempt_login(two_app_servers[attempt % 2], email, WRONG_PASSWORD) == 200

    # The right password takes a place while it is checked, then gives it back in Redis.
    assert attempt_login(second, email, factories.PASSWORD) == 302
    assert attempt_login(first, email, WRONG_PASSWORD) == 200
    assert attempt_login(second, email, WRONG_PASSWORD) == 429


# A login tried by an app whose Redis does not answer (in a process of its own: the limiter is
# one object per Python process, and this app would take it from the test's app).
LOGIN_WITH_REDIS_DOWN = """
import sys
from ent_lite import create_app
app = create_app()
app.config["WTF_CSRF_ENABLED"] = False
client = app.test_client()
page = client.get("/login").status_code
client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
answer = client.post("/login", data={"email": sys.argv[1], "password": sys.argv[2]})
print(page, answer.status_code, "briefly unavailable" in answer.get_data(as_text=True))
"""


def test_with_redis_down_the_login_form_refuses_rather_than_checks_uncounted_passwords(app, world, tmp_path):
    env = process_env(app, tmp_path, RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{_free_port()}/0")
    done = subprocess.run([sys.executable, "-c", LOGIN_WITH_REDIS_DOWN, world.parent_a.email, factories.PASSWORD],
                          cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    # The page shows; the attempt, even with the right password, is refused, saying it is temporary.
    assert done.stdout.split() == ["200", "503", "True"]
