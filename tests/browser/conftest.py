"""Browser tests: Playwright driving Debian's Chromium on a phone-sized screen.

Every request the page makes is recorded so tests can check that none leaves
the app's host and how much the page weighs.
"""
from __future__ import annotations

import gzip
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

from tests import factories

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2}


@dataclass
class RecordedResponse:
    url: str
    content_type: str
    body: bytes


@dataclass
class Recorder:
    """Every request and response of a page, to check hosts and weight."""

    requests: list[str] = field(default_factory=list)
    responses: list[RecordedResponse] = field(default_factory=list)

    def hosts(self) -> set[str]:
        return {urlsplit(url).netloc for url in self.requests if not url.startswith("data:")}

    def compressed_weight(self, path: str, kinds=("text/html", "text/css", "javascript")) -> int:
        """gzip size of the HTML document at `path` plus every CSS/JS it loaded."""
        total = 0
        for response in self.responses:
            is_page = urlsplit(response.url).path == path and "text/html" in response.content_type
            is_asset = any(kind in response.content_type for kind in kinds[1:])
            if is_page or is_asset:
                total += len(gzip.compress(response.body, compresslevel=6))
        return total


@pytest.fixture(scope="session")
def chromium():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def phone(chromium, live_server, db):
    """A fresh phone-sized browser page on the live app, with its recorder."""
    context = chromium.new_context(base_url=live_server, locale="fr-FR", **PHONE)
    page = context.new_page()
    recorder = Recorder()
    page.on("request", lambda request: recorder.requests.append(request.url))

    def keep(response):
        try:
            body = response.body()
        except Exception:  # redirects have no body
            body = b""
        recorder.responses.append(RecordedResponse(response.url, response.headers.get("content-type", ""), body))

    page.on("response", keep)
    page.recorder = recorder
    yield page
    context.close()


@pytest.fixture(scope="session")
def axe():
    return Axe()


@pytest.fixture
def check_accessibility(axe):
    """Run axe on the current page; fail with the violations listed."""

    def _check(page):
        results = axe.run(page)
        assert results.violations_count == 0, results.generate_report()

    return _check


def log_in(page, user):
    """Sign in through the login form as a member of staff or a family (lands on the news)."""
    page.goto("/login")
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", factories.PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/news")


def log_out(page):
    """Open "More" in the menu, then "Log out", as a person on a phone does."""
    page.locator("header details.more > summary").click()
    page.locator("header form[action$='/logout'] button").click()
    page.wait_for_load_state()


def in_language(page, path: str, language: str) -> None:
    """Open ``path`` in ``language`` through the header's button, as a person would, and stay there."""
    page.goto(path)
    if page.locator("html").get_attribute("lang") != language:
        page.locator(f"button[name=lang][value={language}]").click()
        page.wait_for_load_state()
        page.goto(path)
    assert page.locator("html").get_attribute("lang") == language
    assert urlsplit(page.url).path == urlsplit(path).path, f"{path} redirected to {page.url}"
