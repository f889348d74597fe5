"""Issue 10 on a 360×740 phone: activation step 4 fits one screen with its button, the full notice
opens in one tap; "My data" and the consents pass the target, overflow and axe checks with
their sections closed and open, in French and English; a consent toggles without JavaScript.
Prints each page's length in screens for the issue's report."""
from __future__ import annotations

from ent_lite.accounts.activation import format_code, issue_activation_code
from ent_lite.accounts.models import Role
from ent_lite.consents import services as consents
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from tests import factories
from tests.browser.conftest import PHONE, log_in
from tests.browser.phone_layout import assert_phone_layout, screens

SCREEN_HEIGHT = PHONE["viewport"]["height"]
NEW_PASSWORD = "Tartines du mercredi matin"


def _report(measured: dict[str, float]) -> None:
    """The lengths measured, for the issue's report (shown with -s)."""
    print("\nscreens at 360x740:\n" + "\n".join(f"  {where}: {n:.1f}" for where, n in measured.items()))


def _language(page, language: str) -> None:
    if page.locator("html").get_attribute("lang") != language:
        page.locator(f"button[name=lang][value={language}]").click()
        page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == language


def _checked(page, check_accessibility, where: str) -> None:
    assert_phone_layout(page, where)
    check_accessibility(page)


def _open_every_section(page) -> None:
    """Tap each closed section of the page's content open, as a reader would."""
    closed = page.locator("main details:not([open]) > summary")
    for _ in range(closed.count()):
        closed.first.click()


def _activate_to_step_four(page, world, language: str):
    parent = factories.make_user(world.city, Role.GUARDIAN, "Aminata", f"Traoré-{language}", email=None,
                                 activated=False)
    factories.make_child(world.city, world.class_a, "Binta", f"Traoré-{language}", guardians=(parent,))
    code = issue_activation_code(parent, utcnow(), valid_days=60)
    db.session.commit()
    page.goto("/activate")
    _language(page, language)
    page.fill("input[name=code]", format_code(code.code))
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/activate/name")
    page.fill("input[name=last_name]", f"Traoré-{language}")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/activate/account")
    page.fill("input[name=email]", f"aminata-{language}@example.org")
    page.fill("input[name=password]", NEW_PASSWORD)
    page.fill("input[name=confirm]", NEW_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/welcome/privacy")
    return parent


def test_activation_step_four_fits_one_screen_and_the_full_notice_is_one_tap_away(
        phone, world, check_accessibility):
    measured = {}
    for language in ("fr", "en"):
        parent = _activate_to_step_four(phone, world, language)
        button = phone.locator("main form button[type=submit]")
        box = button.bounding_box()
        # The page as it is first seen, with the "link sent" message above the notice.
        assert box["y"] + box["height"] <= SCREEN_HEIGHT, f"{language}: the button ends at {box['y'] + box['height']} px"
        _checked(phone, check_accessibility, f"activation step 4 ({language})")
        measured[f"activation step 4 ({language})"] = screens(phone)

        full = phone.locator("main details#full-notice")
        assert full.get_attribute("open") is None
        phone.locator("main details#full-notice > summary").click()  # one tap
        assert full.get_attribute("open") is not None
        assert phone.locator("main details#full-notice h2").first.is_visible()
        _checked(phone, check_accessibility, f"activation step 4, full notice open ({language})")
        measured[f"activation step 4, full notice open ({language})"] = screens(phone)

        button.click()
        phone.wait_for_url("**/news")
        db.session.expire_all()
        assert parent.privacy_notice_version
        phone.locator("header details.more > summary").click()
        phone.locator("header form[action$='/logout'] button").click()
        phone.wait_for_load_state()
    _report(measured)


def test_my_data_and_consents_on_a_phone_closed_and_open(phone, world, check_accessibility):
    factories.make_child(world.city, world.class_b, "Jules", "Diallo", guardians=(world.parent_a, world.parent_a2))
    db.session.commit()
    log_in(phone, world.parent_a)
    measured = {}
    for language in ("fr", "en"):
        for path in ("/privacy/my-data", "/consents"):
            phone.goto(path)
            _language(phone, language)
            phone.goto(path)
            _checked(phone, check_accessibility, f"{path} ({language})")
            measured[f"{path} ({language})"] = screens(phone)
            if path == "/privacy/my-data":
                # Export and the request to the DPD are on the first screen.
                for action in ("form[action$='/privacy/my-data/export'] button", "main a[href$='/privacy/requests/new']"):
                    box = phone.locator(action).first.bounding_box()
                    assert box["y"] + box["height"] <= SCREEN_HEIGHT, action
                _open_every_section(phone)
                assert phone.locator("main details:not([open])").count() == 0
                _checked(phone, check_accessibility, f"{path} open ({language})")
                measured[f"{path}, every section open ({language})"] = screens(phone)
    _report(measured)


def test_a_consent_toggles_without_javascript(chromium, live_server, world):
    context = chromium.new_context(base_url=live_server, locale="fr-FR", java_script_enabled=False, **PHONE)
    page = context.new_page()
    try:
        log_in(page, world.parent_b)
        page.goto("/consents")
        item = page.locator(f"li#consent-{world.child_b.public_id}-{consents.PHOTO_PUBLICATION}-class")
        assert item.locator("button").inner_text() == "Autoriser"
        assert "Non autorisé." in item.inner_text()
        item.locator("button").click()
        page.wait_for_load_state()
        assert item.locator("button").inner_text() == "Ne plus autoriser"
        assert "Autorisé." in item.inner_text() and "Vous avez donné votre accord." in item.inner_text()
        assert consents.may(world.child_b, consents.PHOTO_PUBLICATION, "class")
        item.locator("button").click()
        page.wait_for_load_state()
        assert item.locator("button").inner_text() == "Autoriser"
        assert not consents.may(world.child_b, consents.PHOTO_PUBLICATION, "class")
    finally:
        context.close()

