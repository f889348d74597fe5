"""A teacher between two classes: log in on a phone, post to the class, see who read it."""
from __future__ import annotations

from tests.browser.conftest import PHONE, log_in


def test_a_teacher_posts_to_the_class_and_sees_the_family_read_it(
        phone, chromium, world, live_server, check_accessibility):
    log_in(phone, world.teacher_a)
    check_accessibility(phone)
    phone.locator("button[name=lang][value=en]").click()
    phone.wait_for_load_state()
    phone.goto("/news/new")
    check_accessibility(phone)

    # Submitting an empty form keeps the page, with errors next to the fields.
    phone.fill("input[name=title]", "Réunion de rentrée")
    phone.get_by_role("button", name="Publish").click()
    assert phone.locator("input[name=title]").input_value() == "Réunion de rentrée"
    assert phone.locator(".error").count() >= 1
    check_accessibility(phone)

    phone.fill("textarea[name=body]", "Rendez-vous **mardi à 18 h** dans la classe.")
    phone.locator("input[name=targets]").first.check()
    phone.get_by_role("button", name="Publish").click()
    phone.wait_for_url("**/news/*")
    check_accessibility(phone)
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
