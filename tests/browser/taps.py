"""Counting the taps a person makes on a phone, to compare paths before and after a change.

A ``Taps`` wraps a Playwright page; flows act only through it, so every action is counted
the same way. What counts as a tap:

- ``tap(locator)``: one tap on a link, a button or a ``<summary>``;
- ``choose(locator)``: one tap on a radio button or a checkbox, none when it is already in
  the wanted state (a pre-ticked choice costs the person nothing);
- ``fill(locator, text)``: one tap to focus the field; the typing itself is not counted
  (the keyboard's taps depend on the words, not on the page);
- ``pick_file(locator, path)``: one tap for the file picker (choosing the photo in the
  phone's own picker is the same on every page, so it is not counted);
- ``select(locator, value)``: two taps, one to open the list and one to pick;
- a target inside a closed ``<details>`` (the "More" menu, a section that opens on demand)
  costs one more tap per closed ``<details>`` to open first: the wrapper taps its
  ``<summary>`` as a person would.

Scrolling is not a tap, but it is measured: ``screens_scrolled`` adds up how far the page
had to scroll, in screen heights, to bring each target into view. Typing a web address to
start a path is not counted either.
"""
from __future__ import annotations

from dataclasses import dataclass, field

SCROLL_Y = "() => window.scrollY"
SCREEN = "() => window.innerHeight"


@dataclass
class Taps:
    page: object
    count: int = 0
    screens_scrolled: float = 0.0
    steps: list[str] = field(default_factory=list)

    # --- actions ----------------------------------------------------------------------------

    def tap(self, locator, what: str = "", navigates: bool = False) -> None:
        """One tap; ``navigates``: wait until the page the tap opens has loaded."""
        target = self._reach(locator)
        self._count(1, what or self._name(target))
        if navigates:
            with self.page.expect_navigation():
                target.click()
        else:
            target.click()

    def choose(self, locator, what: str = "", checked: bool = True) -> None:
        target = self._reach(locator)
        if target.is_checked() == checked:
            return
        self._count(1, what or self._name(target))
        target.set_checked(checked)

    def fill(self, locator, text: str, what: str = "") -> None:
        target = self._reach(locator)
        self._count(1, what or self._name(target))
        target.fill(text)

    def pick_file(self, locator, path, what: str = "") -> None:
        target = self._reach(locator)
        self._count(1, what or "file picker")
        target.set_input_files(str(path))

    def select(self, locator, value: str, what: str = "") -> None:
        target = self._reach(locator)
        self._count(2, what or self._name(target))
        target.select_option(value)

    # --- finding the target as a person would -------------------------------------------------

    def _reach(self, locator):
        """The first visible match, after opening the closed ``<details>`` that hide it
        (each one a counted tap) and scrolling it into view (measured)."""
        target = self._first_visible(locator)
        while not target.is_visible():
            closed = target.locator("xpath=ancestor::details[not(@open)]")
            if closed.count() == 0:
                break
            self._scroll_to(closed.first.locator(":scope > summary"))
            self._count(1, "open " + self._name(closed.first.locator(":scope > summary")))
            closed.first.locator(":scope > summary").click()
        self._scroll_to(target)
        return target

    @staticmethod
    def _first_visible(locator):
        for candidate in locator.all():
            if candidate.is_visible():
                return candidate
        return locator.first

    def _scroll_to(self, target) -> None:
        if not target.is_visible():
            return  # a hidden file input: its label or button is what the person sees
        before = self.page.evaluate(SCROLL_Y)
        target.scroll_into_view_if_needed()
        self.screens_scrolled += abs(self.page.evaluate(SCROLL_Y) - before) / self.page.evaluate(SCREEN)

    def _count(self, taps: int, what: str) -> None:
        self.count += taps
        self.steps.append(what if taps == 1 else f"{what} (×{taps})")

    @staticmethod
    def _name(target) -> str:
        text = (target.get_attribute("aria-label") or target.inner_text() or target.get_attribute("name")
                or target.get_attribute("value") or "")
        return " ".join(text.split())[:50]
