"""The main menu on a phone: one row of primary sections, the rest under "More", every entry
reachable without JavaScript (a plain ``<details>`` opens natively)."""
from __future__ import annotations

from urllib.parse import urlsplit

from tests.browser.conftest import PHONE, log_in, log_out

PRIMARY_ITEMS = "header nav ul.primary > li"
MORE_SUMMARY = "header details.more > summary"


def assert_menu_is_one_row(page, where: str) -> None:
    """Every primary entry, "More" included, starts at the same height (the row did not wrap),
    and the entries sit side by side within the screen (none overlaps the next or overflows)."""
    boxes = page.locator(PRIMARY_ITEMS).evaluate_all(
        "items => items.map(li => { const b = li.getBoundingClientRect();"
        " return {top: Math.round(b.top), left: Math.round(b.left), right: Math.round(b.right),"
        " text: li.innerText.trim().split('\\n')[0]}; })")
    width = page.evaluate("() => document.documentElement.clientWidth")
    assert len(boxes) >= 2, f"{where}: no menu row found"
    tops = [box["top"] for box in boxes]
    assert len(set(tops)) == 1, f"{where}: the menu wraps onto {len(set(tops))} rows: {boxes}"
    for box, following in zip(boxes, boxes[1:]):
        assert box["right"] <= following["left"], f"{where}: {box['text']!r} overlaps {following['text']!r}: {boxes}"
    assert boxes[0]["left"] >= 0 and boxes[-1]["right"] <= width, f"{where}: the menu overflows {width} px: {boxes}"


def menu_entries(page) -> list[tuple[str, bool]]:
    """(path, under "More") of every link of the main menu."""
    return page.locator("header nav a[href]").evaluate_all(
        "links => links.map(a => [new URL(a.href).pathname, !!a.closest('details.more')])")


def walk_menu_without_javascript(chromium, live_server, user) -> list[str]:
    """Log in with JavaScript off, open every menu entry through the menu (opening "More" for
    those under it), then log out through "More"; returns the paths opened."""
    context = chromium.new_context(base_url=live_server, locale="fr-FR", java_script_enabled=False, **PHONE)
    try:
        page = context.new_page()
        log_in(page, user)
        home = urlsplit(page.url).path
        entries = menu_entries(page)
        assert any(under_more for _, under_more in entries), "nothing under More"
        opened = []
        for path, under_more in entries:
            page.goto(home)
            if under_more:
                page.locator(MORE_SUMMARY).click()
            link = page.locator(f'header nav a[href="{path}"]').first
            assert link.is_visible(), f"{path} cannot be seen{' after opening More' if under_more else ''}"
            with page.expect_navigation() as navigation:
                link.click()
            assert navigation.value.status == 200, f"{path} answers {navigation.value.status}"
            assert urlsplit(page.url).path == path
            opened.append(path)
        log_out(page)
        page.wait_for_url("**/login*")
        return opened
    finally:
        context.close()
