"""HTTP over loopback for ``bench/pages.py``: a client logged in through the real form (its
cookies sent back as a header), and a bounded pool of threads loading one path for a fixed
time, every response checked. Standard library only: nothing to install for a bench run."""
from __future__ import annotations

import http.client
import re
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class BenchError(AssertionError):
    pass


def get(port: int, path: str, cookie: str = "") -> tuple[int, http.client.HTTPMessage, str]:
    """One request on a fresh connection (gunicorn's sync workers close each one)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        return response.status, response.msg, response.read().decode()
    finally:
        connection.close()


class Browser:
    """Cookies kept between requests, as a browser keeps them."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    @property
    def cookie(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def _keep(self, headers: http.client.HTTPMessage) -> None:
        for header in headers.get_all("Set-Cookie") or ():
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value

    def get(self, path: str) -> tuple[int, str]:
        status, headers, body = get(self.port, path, self.cookie)
        self._keep(headers)
        return status, body

    def login(self, email: str, password: str) -> None:
        status, page = self.get("/login")
        token = CSRF.search(page)
        if status != 200 or token is None:
            raise BenchError(f"no login form ({status})")
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            connection.request("POST", "/login", urlencode({"email": email, "password": password,
                                                            "csrf_token": token.group(1)}),
                               {"Cookie": self.cookie, "Content-Type": "application/x-www-form-urlencoded"})
            response = connection.getresponse()
            response.read()
            self._keep(response.msg)
        finally:
            connection.close()
        if response.status != 302 or "/login" in (response.getheader("Location") or ""):
            raise BenchError(f"login refused for {email} ({response.status})")


@dataclass
class Load:
    requests: int
    seconds: float
    latencies: list[float]

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def percentile(self, p: int) -> float:
        return statistics.quantiles(self.latencies, n=100)[p - 1] if len(self.latencies) > 1 else self.latencies[0]


def load(port: int, path: str, cookie: str, check: Callable[[int, str], None], clients: int,
         seconds: float) -> Load:
    """``clients`` threads request ``path`` one after another for ``seconds``; every response
    goes through ``check`` (which raises), the first failure ends the run."""
    barrier = threading.Barrier(clients + 1)
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors: list[BaseException] = []
    deadline = [0.0]

    def run(n: int) -> None:
        barrier.wait()
        try:
            while time.perf_counter() < deadline[0] and not errors:
                start = time.perf_counter()
                status, _, body = get(port, path, cookie)
                latencies[n].append(time.perf_counter() - start)
                check(status, body)
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    start = time.perf_counter()
    deadline[0] = start + seconds
    barrier.wait()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    every = [t for mine in latencies for t in mine]
    return Load(len(every), time.perf_counter() - start, every)
