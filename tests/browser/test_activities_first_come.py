"""First come, first served, on phones: a city agent writes an activity of 2 places through the
real form and publishes it; three families register (the third joins the waiting list and sees
their position); the first cancels; the third gets a timed offer and accepts it. Every page
passes axe and fits a phone, in French and, for the family pages, in English too."""
from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from babel.dates import format_date
from sqlalchemy import select

from ent_lite.activities.models import Activity, Registration, RegistrationStatus
from ent_lite.core.db_types import utcnow
from ent_lite.core.localtime import to_local
from ent_lite.extensions import db
from ent_lite.notifications.models import EventKind, NotificationEvent
from tests.activities.factories import build_activity_world
from tests.browser.activity_steps import PageChecks, new_phone, words
from tests.browser.conftest import in_language, log_in
from tests.browser.menu_checks import MORE_SUMMARY

TITLE = "Escalade au gymnase"
OFFER = timedelta(hours=48)  # the form's default time to answer an offer


def _write_the_activity(page, check, today) -> str:
    """The city agent, from the menu to a published activity; returns its public id."""
    page.locator(MORE_SUMMARY).click()
    page.get_by_role("link", name="Gérer les activités").click()
    page.wait_for_url("**/activites/gerer")
    check(page)
    page.get_by_role("link", name="Nouvelle activité").click()
    page.wait_for_url("**/activites/nouvelle")
    check(page)
    page.fill("input[name=title]", TITLE)
    page.fill("textarea[name=description]", "Deux après-midi d’escalade encadrés par un moniteur diplômé.")
    page.fill("input[name=place]", "Gymnase du Parc, 3 rue des Écoles")
    for row, days in enumerate((21, 28)):
        page.fill(f"input[name='sessions-{row}-day']", (today + timedelta(days=days)).isoformat())
        page.fill(f"input[name='sessions-{row}-starts']", "14:00")
        page.fill(f"input[name='sessions-{row}-ends']", "16:00")
    page.fill("input[name=capacity]", "2")
    page.get_by_label("Premier arrivé, premier servi").check()
    page.fill("input[name=opens_date]", today.isoformat())
    page.fill("input[name=opens_time]", "00:00")
    page.fill("input[name=closes_date]", (today + timedelta(days=14)).isoformat())
    page.fill("input[name=cancel_date]", (today + timedelta(days=20)).isoformat())
    page.check("input[name='prices-0-free']")  # bracket A: free
    page.fill("input[name='prices-1-amount']", "5")
    page.fill("input[name='prices-2-amount']", "8,50")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url("**/modifier")
    assert "L’activité est enregistrée." in words(page)
    assert "Brouillon" in words(page)
    check(page)
    public_id = urlsplit(page.url).path.split("/")[2]

    page.get_by_role("link", name="Publier…").click()
    page.wait_for_url("**/publier")
    check(page)
    page.locator("main form").get_by_role("button", name="Publier", exact=True).click()
    page.wait_for_url("**/activites/gerer")
    assert "L’activité est publiée." in words(page)
    row = page.locator("main table tr", has_text=TITLE)
    row_words = " ".join(row.inner_text().replace("\u00a0", " ").split())
    assert "Publiée" in row_words and "0 place prise / 2" in row_words
    check(page)
    return public_id


def _register(page, check, register_path, child_name, bracket_index, submit_name="Inscrire"):
    page.get_by_role("checkbox", name=child_name).check()
    page.locator("input[name=bracket]").nth(bracket_index).check()
    check(page, " (filled in)")
    page.locator("main form.compose").get_by_role("button", name=submit_name, exact=True).click()
    page.wait_for_url("**/activites/mes-inscriptions")
    check(page)


def test_two_places_three_families_a_cancellation_and_an_offer_accepted(
        phone, chromium, world, live_server, request, check_accessibility):
    build_activity_world(world)
    today = datetime.now(ZoneInfo("Europe/Paris")).date()
    check = PageChecks(check_accessibility)

    # --- the city agent writes and publishes the activity --------------------------------------
    log_in(phone, world.city_agent)
    public_id = _write_the_activity(phone, check, today)
    register_path = f"/activites/{public_id}/inscrire"

    # --- the first two families, in French: places confirmed at once ---------------------------
    first = new_phone(chromium, live_server, request)
    log_in(first, world.parent_a)
    first.goto(register_path)
    check(first)
    page_words = words(first)
    assert f"Inscription à {TITLE}" in page_words and "2 places libres" in page_words
    assert "B (de 601 € à 1 200 € par mois) : 5,00 €" in page_words
    _register(first, check, register_path, "Awa", 1)
    assert "Awa : place confirmée. Montant à payer : 5,00 €." in words(first)
    assert "Place confirmée · Montant à payer : 5,00 €" in words(first, "main article")

    second = new_phone(chromium, live_server, request)
    log_in(second, world.parent_b)
    second.goto(register_path)
    assert "1 place libre" in words(second)
    _register(second, check, register_path, "Léo", 0)
    assert "Léo : place confirmée. Montant à payer : Gratuit." in words(second)

    # --- the third family, in English: the waiting list, first in line --------------------------
    third = new_phone(chromium, live_server, request)
    log_in(third, world.other_parent)
    in_language(third, register_path, "en")
    check(third)
    page_words = words(third)
    assert f"Register for {TITLE}" in page_words
    assert "No place left: children registered now join the waiting list." in page_words
    assert "C (€1,201 a month or more): €8.50" in page_words
    _register(third, check, register_path, "Inès", 2, submit_name="Register")
    assert "Inès — Waiting list: first." in words(third)
    assert "Waiting list: first" in words(third, "main article")
    assert third.get_by_role("button", name="Leave the waiting list").is_visible()

    # --- the first family cancels before the deadline -----------------------------------------
    before_cancel = utcnow()
    first.get_by_role("button", name="Annuler l’inscription").click()
    first.wait_for_url("**/activites/mes-inscriptions")
    assert "L’inscription est annulée." in words(first)
    after_cancel = utcnow()
    first.locator("main details > summary").click()
    assert "Annulé" in words(first, "main details")
    check(first, " with earlier registrations open")

    # --- the third family finds the offer with its deadline, and accepts -----------------------
    waiting = db.session.scalar(select(Registration).where(Registration.child_id == world.other_child.id))
    db.session.refresh(waiting)
    assert waiting.status == RegistrationStatus.OFFERED
    # The place freed by the cancellation is offered at once, for the activity's 48 hours.
    assert before_cancel + OFFER <= waiting.offer_expires_dt <= after_cancel + OFFER
    deadline = to_local(waiting.offer_expires_dt)
    third.goto("/activites/mes-inscriptions")
    card = words(third, "main article")
    assert "A place is offered to you · Amount due: €8.50" in card
    month = format_date(deadline, "MMM", locale="en")  # as the page's |when writes it, whatever the C locale
    assert f"Answer before {month} {deadline.day} at" in card and "or the place goes to the next family." in card
    check(third, " with the offer")
    third.get_by_role("button", name="Accept the place").click()
    third.wait_for_url("**/activites/mes-inscriptions")
    assert "Place confirmed." in words(third, "main")
    assert "Place confirmed · Amount due: €8.50" in words(third, "main article")
    check(third, " after accepting")

    # The same page in French reads complete too.
    in_language(third, "/activites/mes-inscriptions", "fr")
    assert "Place confirmée · Montant à payer : 8,50 €" in words(third, "main article")
    check(third)

    # Both places are taken; each change told the family through the outbox (content-free).
    activity = db.session.scalar(select(Activity).where(Activity.public_id == public_id))
    db.session.refresh(activity)
    assert activity.places_taken == 2
    events = db.session.scalars(select(NotificationEvent).where(
        NotificationEvent.registration_id == waiting.id, NotificationEvent.kind == EventKind.ACTIVITY)).all()
    assert len(events) >= 2, "the waiting list and the offer each notify the family"
    print(f"\npages checked with axe: {check.visited}")
    check.assert_phone_layout()
