"""The notification preferences page on a phone (360×740), in French and in English: zero axe
violations, no sideways scrolling, every target at least 44×44 CSS pixels, with its optional
sections open or closed and with errors shown; and it saves without JavaScript."""
from __future__ import annotations

from urllib.parse import urlsplit

from sqlalchemy import select

from ent_lite.extensions import db
from ent_lite.notifications.models import NotificationPreferences
from tests.browser.conftest import PHONE, in_language, log_in
from tests.browser.phone_layout import assert_phone_layout

PATH = "/notifications"

def _check_phone_layout(page, check_accessibility) -> None:
    check_accessibility(page)
    assert_phone_layout(page)


def test_the_preferences_page_on_a_phone_in_both_languages(phone, world, live_server, check_accessibility):
    log_in(phone, world.parent_a)
    for language in ("fr", "en"):
        in_language(phone, PATH, language)
        _check_phone_layout(phone, check_accessibility)
        # The optional sections open, and stay usable once open.
        for summary in phone.locator("main details > summary").all():
            summary.click()
        assert phone.locator("main details[open]").count() == 2
        _check_phone_layout(phone, check_accessibility)

        # An impossible choice: the summary of errors, the field's own message, nothing lost.
        phone.fill("input[name=quiet_start]", "21:00")
        phone.fill("input[name=quiet_end]", "21:00")
        phone.locator("main form button[type=submit]").click()
        phone.wait_for_load_state()
        assert phone.locator(".error-summary[role=alert] a[href='#quiet_end']").is_visible()
        assert phone.locator("#quiet_end-error").is_visible()
        assert phone.locator("input[name=quiet_start]").input_value() == "21:00"
        _check_phone_layout(phone, check_accessibility)
    assert phone.recorder.hosts() == {urlsplit(live_server).netloc}


def test_the_page_saves_without_javascript(chromium, world, live_server):
    context = chromium.new_context(base_url=live_server, locale="fr-FR", java_script_enabled=False, **PHONE)
    page = context.new_page()
    try:
        log_in(page, world.parent_a)
        page.goto("/account")
        page.locator(f"main a[href='{PATH}']").click()
        page.wait_for_url(f"**{PATH}")
        page.locator("label", has=page.locator("input[name=news_email][value=weekly]")).click()
        page.locator("main details > summary").last.click()
        page.fill("input[name=quiet_start]", "21:30")
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(f"**{PATH}")
        assert "Vos choix de notifications sont enregistrés." in page.locator("main").inner_text()
        db.session.rollback()
        saved = db.session.scalar(select(NotificationPreferences).where(
            NotificationPreferences.user_id == world.parent_a.id))
        assert (saved.news_email, saved.quiet_start_minute) == ("weekly", 21 * 60 + 30)
    finally:
        context.close()
