"""A teacher between two classes: log in on a phone, post to the class, see who read it —
every page accessible, with targets a finger can hit and no sideways scrolling, and a menu
that fits one row and works without JavaScript."""
from __future__ import annotations

from urllib.parse import urlsplit

from tests.browser.conftest import PHONE, log_in, log_out
from tests.browser.menu_checks import MORE_SUMMARY, assert_menu_is_one_row, walk_menu_without_javascript
from tests.browser.phone_layout import layout_problems


def test_a_teacher_posts_to_the_class_and_sees_the_family_read_it(
        phone, chromium, world, live_server, check_accessibility):
    small_or_wide = []

    def check(page, state=""):
        where = urlsplit(page.url).path + state
        check_accessibility(page)
        small_or_wide.extend(f"{where}: {problem}" for problem in layout_problems(page))

    log_in(phone, world.teacher_a)
    check(phone)
    assert_menu_is_one_row(phone, "a teacher's news, in French")
    phone.locator(MORE_SUMMARY).click()
    check(phone, " with More open")
    phone.locator("button[name=lang][value=en]").click()
    phone.wait_for_load_state()
    assert_menu_is_one_row(phone, "a teacher's news, in English")
    phone.locator("header nav").get_by_role("link", name="Write", exact=True).click()
    phone.wait_for_url("**/news/new")
    check(phone)

    # Submitting an empty form keeps the page, with errors next to the fields.
    phone.fill("input[name=title]", "Réunion de rentrée")
    phone.get_by_role("button", name="Publish").first.click()
    assert phone.locator("input[name=title]").input_value() == "Réunion de rentrée"
    assert phone.locator(".error").count() >= 1
    check(phone, " with errors")

    phone.fill("textarea[name=body]", "Rendez-vous **mardi à 18 h** dans la classe.")
    phone.locator("input[name=targets]").first.check()
    phone.get_by_role("button", name="Publish").first.click()
    phone.wait_for_url("**/news/*")
    check(phone)
    assert "Read by 0 of 1 family" in phone.locator("main").inner_text()

    # A parent of the class opens the post on their own phone.
    parent_context = chromium.new_context(base_url=live_server, locale="fr-FR", **PHONE)
    parent_page = parent_context.new_page()
    log_in(parent_page, world.parent_a)
    parent_page.get_by_role("link", name="Réunion de rentrée").click()
    parent_page.wait_for_url("**/news/*")
    assert "mardi à 18 h" in parent_page.locator("main").inner_text()
    parent_context.close()

    phone.reload()
    assert "Read by 1 of 1 family" in phone.locator("main").inner_text()

    log_out(phone)
    phone.wait_for_url("**/login*")
    check(phone)
    assert not small_or_wide, "\n".join(small_or_wide)


def test_a_teacher_reaches_every_menu_entry_without_javascript(chromium, world, live_server):
    opened = walk_menu_without_javascript(chromium, live_server, world.teacher_a)
    # News, Messages and Write in the row; notifications (at least) under More.
    assert len(opened) >= 4 and "/news/new" in opened, opened
