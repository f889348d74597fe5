"""The privacy pages on a phone, in French and in English: a parent's consents and data, the
DPO's second factor and workspace, the admin's retention periods — zero axe violations."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pyotp

from ent_lite.core.db_types import utcnow
from ent_lite.dpo.services import create_request
from ent_lite.extensions import db
from tests import factories
from tests.browser.conftest import in_language, log_in, log_out


def _both_languages(page, check_accessibility, path: str) -> None:
    """Open ``path`` in French, then in English, checking each with axe."""
    for language in ("fr", "en"):
        in_language(page, path, language)
        check_accessibility(page)


def _pass_second_factor_setup(page, check_accessibility) -> list[str]:
    """First login of an admin or DPO: the setup page, a code from the app, the recovery codes
    (returned)."""
    page.wait_for_url("**/login/two-factor/setup**")
    check_accessibility(page)
    page.locator("main form button[type=submit]").click()  # "Show my key": made by a POST
    page.wait_for_load_state()
    key = page.locator("p.code").inner_text().replace(" ", "")
    page.fill("input[name=code]", pyotp.TOTP(key).now())
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    codes = re.findall(r"[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}", page.content())
    assert len(codes) == 10
    check_accessibility(page)
    page.locator("main a.button").click()
    page.wait_for_load_state()
    return codes


def _log_in_staff(page, user) -> None:
    page.goto("/login")
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", factories.PASSWORD)
    page.locator("main form button[type=submit]").click()


def test_the_public_notice_and_a_parents_privacy_pages(phone, world, live_server, check_accessibility):
    _both_languages(phone, check_accessibility, "/privacy")
    log_in(phone, world.parent_a)
    _both_languages(phone, check_accessibility, "/consents")
    # Giving a consent is one button; the page then says it is given.
    assert "You have agreed" not in phone.locator("main").inner_text()
    phone.locator("main form button[type=submit]").first.click()
    phone.wait_for_load_state()
    assert "You have agreed" in phone.locator("main").inner_text()
    check_accessibility(phone)
    for path in ("/privacy/my-data", "/privacy/my-data/contact", "/privacy/requests/new", "/privacy/requests"):
        _both_languages(phone, check_accessibility, path)
    # The export is made on request and offered for download on the same page.
    phone.goto("/privacy/my-data")
    phone.locator("form[action$='/privacy/my-data/export'] button[type=submit]").click()
    phone.wait_for_load_state()
    check_accessibility(phone)
    with phone.expect_download() as download:
        phone.locator("a[href*='/privacy/my-data/export/']").first.click()
    assert download.value.suggested_filename.endswith(".zip")
    assert phone.recorder.hosts() == {urlsplit(live_server).netloc}


def test_the_dpo_and_admin_pages(phone, world, live_server, check_accessibility):
    request = create_request(world.parent_a, "erasure", "", utcnow())
    db.session.commit()
    _log_in_staff(phone, world.dpo)
    recovery_codes = _pass_second_factor_setup(phone, check_accessibility)
    for path in ("/dpo", "/dpo/consents", "/dpo/audit", "/privacy/register",
                 f"/dpo/requests/{request.public_id}", f"/dpo/requests/{request.public_id}/erase"):
        _both_languages(phone, check_accessibility, path)

    # The next login asks for a code; a recovery code works instead of the app.
    log_out(phone)
    phone.wait_for_url("**/login*")
    _log_in_staff(phone, world.dpo)
    phone.wait_for_url("**/login/two-factor**")
    check_accessibility(phone)
    phone.locator("main a[href*='/login/two-factor/recovery']").click()
    phone.wait_for_url("**/login/two-factor/recovery**")
    check_accessibility(phone)
    phone.fill("input[name=code]", recovery_codes[0])
    phone.locator("main form button[type=submit]").click()
    phone.wait_for_url("**/dpo")

    log_out(phone)
    phone.wait_for_url("**/login*")
    _log_in_staff(phone, world.admin)
    _pass_second_factor_setup(phone, check_accessibility)
    _both_languages(phone, check_accessibility, "/privacy/retention")
    assert phone.recorder.hosts() == {urlsplit(live_server).netloc}
