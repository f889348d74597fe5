"""Steps shared by the activities browser tests: one phone per person, and every page checked
(axe, targets a finger can hit, no sideways scrolling) as it is visited."""
from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from tests.browser.conftest import PHONE, Recorder
from tests.browser.phone_layout import layout_problems


def new_phone(chromium, live_server, request, language: str = "fr-FR"):
    """A phone of its own (own cookies) for one more person, closed at the end of the test."""
    context = chromium.new_context(base_url=live_server, locale=language, **PHONE)
    request.addfinalizer(context.close)
    page = context.new_page()
    page.recorder = Recorder()
    page.on("request", lambda r: page.recorder.requests.append(r.url))
    return page


def words(page, selector: str = "main") -> str:
    """The visible text, no-break spaces read as spaces (French puts them before “:”)."""
    return " ".join(page.locator(selector).inner_text().replace("\u00a0", " ").replace("\u202f", " ").split())


@dataclass
class PageChecks:
    """Runs axe on each page visited and collects its layout problems, to report them all at once."""

    check_accessibility: object
    visited: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def __call__(self, page, state: str = "") -> None:
        where = f"{urlsplit(page.url).path} ({page.locator('html').get_attribute('lang')}){state}"
        self.visited.append(where)
        self.check_accessibility(page)
        self.problems.extend(f"{where}: {problem}" for problem in layout_problems(page))

    def assert_phone_layout(self) -> None:
        assert not self.problems, "\n".join(self.problems)
