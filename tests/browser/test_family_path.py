"""The whole path a parent walks on a phone: activate with the printed code, read the
class news, switch to English, log out — accessible, light, first-party only, with targets a
finger can hit, no sideways scrolling, and a menu that fits one row and works without JavaScript."""
from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from ent_lite.accounts.activation import format_code, issue_activation_code
from ent_lite.accounts.models import Role
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.posts.services import create_post
from tests import factories
from tests.browser.conftest import log_out
from tests.browser.menu_checks import MORE_SUMMARY, assert_menu_is_one_row, walk_menu_without_javascript
from tests.browser.phone_layout import layout_problems

FEED_BUDGET_BYTES = 30 * 1024
NEW_PASSWORD = "Tartines du mercredi matin"


def _family_waiting_for_activation(world):
    """A guardian imported from the roster, with a printed code, and news in the child's class."""
    parent = factories.make_user(world.city, Role.GUARDIAN, "Aminata", "Traoré", email=None, activated=False)
    factories.make_child(world.city, world.class_a, "Binta", "Traoré", guardians=(parent,))
    code = issue_activation_code(parent, utcnow(), valid_days=60)
    now = utcnow()
    for n in range(12):
        create_post(world.teacher_a, f"Sortie n°{n + 1}", "Pensez au **goûter** et à une casquette.\n\n- sac\n- gourde",
                    [("group", str(world.class_a.id))], now - timedelta(hours=n + 1))
    create_post(world.teacher_a, "Piscine jeudi", "Le maillot de bain est *obligatoire*.",
                [("group", str(world.class_a.id))], now)
    db.session.commit()
    return parent, format_code(code.code)


def _submit(page):
    page.locator("main form button[type=submit]").last.click()


def test_a_parent_activates_reads_the_news_in_two_languages_and_logs_out(
        phone, chromium, world, live_server, check_accessibility):
    parent, code = _family_waiting_for_activation(world)
    visited = []
    small_or_wide = []

    def visit_checked(state=""):
        where = urlsplit(phone.url).path + state
        visited.append(where)
        check_accessibility(phone)
        small_or_wide.extend(f"{where}: {problem}" for problem in layout_problems(phone))

    phone.goto("/activate")
    assert phone.locator("html").get_attribute("lang") == "fr"
    visit_checked()
    phone.fill("input[name=code]", code.lower().replace("-", " "))
    _submit(phone)

    phone.wait_for_url("**/activate/name")
    visit_checked()
    phone.fill("input[name=last_name]", "traore")
    _submit(phone)

    phone.wait_for_url("**/activate/account")
    visit_checked()
    phone.fill("input[name=email]", "aminata@example.org")
    phone.fill("input[name=password]", NEW_PASSWORD)
    phone.fill("input[name=confirm]", NEW_PASSWORD)
    _submit(phone)

    phone.wait_for_url("**/welcome/privacy")
    visit_checked()
    _submit(phone)

    phone.wait_for_url("**/news")
    visit_checked()
    assert_menu_is_one_row(phone, "a parent's news, in French")
    phone.locator(MORE_SUMMARY).click()
    visit_checked(" with More open")
    phone.locator(MORE_SUMMARY).click()
    feed_weight = phone.recorder.compressed_weight("/news")
    assert phone.get_by_role("link", name="Piscine jeudi").is_visible()
    assert "Binta" in phone.locator("main").inner_text()
    assert feed_weight <= FEED_BUDGET_BYTES, f"feed weighs {feed_weight} bytes compressed"

    phone.get_by_role("link", name="Piscine jeudi").click()
    phone.wait_for_url("**/news/*")
    visit_checked()
    assert phone.locator("main strong, main em").first.is_visible()
    assert "obligatoire" in phone.locator("main").inner_text()

    phone.locator("button[name=lang][value=en]").click()
    phone.wait_for_load_state()
    assert phone.locator("html").get_attribute("lang") == "en"
    phone.goto("/news")
    assert phone.get_by_role("heading", level=1).inner_text() == "News"
    visit_checked()
    assert_menu_is_one_row(phone, "a parent's news, in English")

    log_out(phone)
    phone.wait_for_url("**/login*")
    visit_checked()
    assert phone.locator("html").get_attribute("lang") == "en"
    phone.goto("/news")
    assert urlsplit(phone.url).path == "/login", "the old session still opens the news"

    # Everything the phone fetched came from the app itself.
    assert phone.recorder.hosts() == {urlsplit(live_server).netloc}
    print(f"\nfeed HTML+CSS compressed: {feed_weight} bytes; pages checked with axe: {visited}")
    assert not small_or_wide, "\n".join(small_or_wide)


def test_a_parent_reaches_every_menu_entry_without_javascript(chromium, world, live_server):
    opened = walk_menu_without_javascript(chromium, live_server, world.parent_a)
    # News and Messages in the row; consents, my data and notifications under More.
    assert len(opened) >= 5 and "/news" in opened, opened
