"""The family home on a phone: "To do" first with each child's line, the filter per child,
and one submit that answers an authorisation for both children; accessible, 44-pixel
targets, no sideways scrolling, and it all works without JavaScript too."""
from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from sqlalchemy import func, select

from ent_lite.audience import keys
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.forms import services as form_services
from ent_lite.forms.models import Response
from ent_lite.posts import services
from tests import factories
from tests.browser.conftest import PHONE, log_in
from tests.browser.phone_layout import assert_phone_layout
from tests.forms.conftest import builder_data


def _family(world):
    """Fatou has Awa (class A) and Zoé (class B): a signature for Awa, two authorisations
    for both, and news for each."""
    zoe = factories.make_child(world.city, world.class_b, "Zoé", "Diallo", guardians=(world.parent_a,))
    now = utcnow()
    services.create_post(world.teacher_a, "Sortie à la ferme", "Merci de signer le cahier.",
                         [keys.group_key(world.class_a.id)], now - timedelta(hours=3),
                         services.PostOptions(requires_ack=True, ack_due_dt=now + timedelta(days=2)))
    forms = []
    for n, title in enumerate(("Piscine", "Cinéma")):
        post = services.create_post(world.director, title, "Merci de répondre pour chaque enfant. " * 8,
                                    [keys.establishment_key(world.school.id)], now - timedelta(hours=2 + n))
        forms.append(form_services.attach_form(post, builder_data("authorisation", days=4 + n), now))
    for n in range(8):
        group = world.class_b if n % 2 else world.class_a
        services.create_post(world.teacher_b if n % 2 else world.teacher_a, f"Nouvelles de la classe n°{n}",
                             "Une journée bien remplie, avec une sortie au parc et un goûter partagé. " * 4,
                             [keys.group_key(group.id)], now - timedelta(days=n, hours=5))
    db.session.commit()
    return zoe, forms


def _checked(page, check_accessibility, where: str) -> None:
    check_accessibility(page)
    assert_phone_layout(page, where)


def _answers_for(form) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Response).where(Response.form_id == form.id))


def _answer_both(page, world, zoe) -> None:
    page.locator(f"label:has(#c_{world.child_a.public_id}-q1-0)").click()
    page.locator(f"label:has(#c_{zoe.public_id}-q1-1)").click()
    page.locator("#answers form button[type=submit]").click()
    page.wait_for_load_state()


def test_a_parent_of_two_sees_what_to_do_filters_and_answers_for_both(phone, world, live_server,
                                                                     check_accessibility):
    zoe, (pool, cinema) = _family(world)
    log_in(phone, world.parent_a)
    main = phone.locator("main")
    todo = phone.locator("section.todo")
    # "À faire" comes before the news, with a line per thing to do naming the children.
    assert main.locator("h2").first.inner_text() == "À faire"
    assert todo.locator("li").count() == 3
    assert "Pour Awa" in todo.locator("li").nth(0).inner_text()
    assert "Pour Awa et Zoé" in todo.locator("li").nth(1).inner_text()
    assert main.locator("article").count() == 10
    _checked(phone, check_accessibility, "feed")

    # The filter: Zoé alone (her news, her to do), then back to all.
    phone.locator(".child-filter").get_by_role("link", name="Zoé").click()
    phone.wait_for_url(f"**/news?child={zoe.public_id}")
    assert "Sortie à la ferme" not in main.inner_text()
    assert "Nouvelles de la classe n°1" in main.inner_text() and "Nouvelles de la classe n°0" not in main.inner_text()
    assert todo.locator("li").count() == 2
    _checked(phone, check_accessibility, "feed for Zoé")

    # From "To do" to the authorisation: one line per child, one button.
    todo.get_by_role("link", name="Répondre à l’autorisation : Piscine").click()
    phone.wait_for_url("**#answers")
    assert phone.locator("#answers form").count() == 1
    assert phone.locator("#answers").get_by_role("button").inner_text() == "Envoyer les réponses pour Awa et Zoé"
    _checked(phone, check_accessibility, "post with its authorisation")
    # Sent with nothing chosen: the summary points at each child's line (a line left blank
    # alone is simply not answered yet, see tests/forms/test_answer_all.py).
    phone.locator("#answers form button[type=submit]").click()
    phone.wait_for_load_state()
    summary = phone.locator(".error-summary[role=alert]")
    assert summary.get_by_role("link").count() == 2 and "Zoé" in summary.inner_text()
    _checked(phone, check_accessibility, "answer page with an error")
    summary.get_by_role("link").last.click()
    assert phone.evaluate("location.hash") == f"#c_{zoe.public_id}-q1-0"
    phone.locator(f"label:has(#c_{world.child_a.public_id}-q1-0)").click()
    phone.locator(f"label:has(#c_{zoe.public_id}-q1-1)").click()
    phone.locator("main form button[type=submit]").last.click()
    phone.wait_for_load_state()
    assert "Vos réponses sont enregistrées." in main.inner_text()
    assert _answers_for(pool) == 2

    # Done: it leaves "To do"; the English page holds on a phone too.
    phone.goto("/news")
    assert "Piscine" not in phone.locator("section.todo").inner_text()
    phone.locator("button[name=lang][value=en]").click()
    phone.wait_for_load_state()
    phone.goto("/news")
    assert phone.locator("main h2").first.inner_text() == "To do"
    _checked(phone, check_accessibility, "feed in English")
    assert phone.recorder.hosts() == {urlsplit(live_server).netloc}


def test_the_filter_and_the_answer_work_without_javascript(chromium, world, live_server, check_accessibility):
    zoe, (_, cinema) = _family(world)
    context = chromium.new_context(base_url=live_server, locale="fr-FR", java_script_enabled=False, **PHONE)
    page = context.new_page()
    try:
        log_in(page, world.parent_a)
        page.locator(".child-filter").get_by_role("link", name="Awa").click()
        page.wait_for_url(f"**/news?child={world.child_a.public_id}")
        assert "Nouvelles de la classe n°1" not in page.locator("main").inner_text()
        assert_phone_layout(page, "feed for Awa without JavaScript")
        page.locator("section.todo").get_by_role("link", name="Répondre à l’autorisation : Cinéma").click()
        page.wait_for_load_state()
        _answer_both(page, world, zoe)
        assert "Vos réponses sont enregistrées." in page.locator("main").inner_text()
        assert _answers_for(cinema) == 2
        assert_phone_layout(page, "post page without JavaScript")
    finally:
        context.close()
