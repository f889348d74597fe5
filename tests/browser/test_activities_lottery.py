"""A lottery on phones: five families rank two stays of one place each through the real request
form; the requests close; the city agent presses the draw button; anyone, logged out, reads the
seed and the tickets in draw order (two placed, three waiting) and re-runs the draw from the
published JSON to the same order. Every page passes axe and fits a phone, in French and English."""
from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select, update

from ent_lite.activities import lottery
from ent_lite.activities.models import Campaign, LotteryEntry
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from tests.activities.factories import build_activity_world
from tests.activities.lottery_factories import lottery_campaign, more_families
from tests.browser.activity_steps import PageChecks, new_phone, words
from tests.browser.conftest import in_language, log_in, log_out

FAMILIES = 5


def _request_places(page, check, slug, child_name, first_choice, second_choice) -> str:
    """A family opens the campaign, ranks both stays for their child; returns the ticket shown."""
    page.goto(f"/activites/campagnes/{slug}")
    check(page)
    page.get_by_role("link", name="Demander des places pour mes enfants").click()
    page.wait_for_url(f"**/activites/campagnes/{slug}/demande")
    check(page)
    page.get_by_label(f"1er choix ({child_name})").select_option(first_choice)
    page.get_by_label(f"2e choix ({child_name})").select_option(second_choice)
    page.locator("main input[type=radio]").first.check()  # the family-quotient bracket, asked once a year
    check(page, " (filled in)")
    page.get_by_role("button", name="Envoyer mes demandes").click()
    page.wait_for_url(f"**/activites/campagnes/{slug}/demande")
    assert "Vos demandes sont enregistrées." in words(page)
    check(page)
    return page.locator("main fieldset span.code").inner_text()


def test_five_families_two_places_a_draw_anyone_can_rerun(
        phone, chromium, world, live_server, request, check_accessibility):
    aw = build_activity_world(world)
    campaign, stays, _now = lottery_campaign(aw, capacities=(1, 1))
    slug = campaign.slug
    families = more_families(aw, FAMILIES)
    check = PageChecks(check_accessibility)

    # --- five families request places, each on their own phone -----------------------------------
    tickets, phones = {}, {}
    for n, (guardian, child) in enumerate(families):
        family = phones[child.id] = new_phone(chromium, live_server, request)
        log_in(family, guardian)
        # Half prefer the first stay, half the second: both stays are asked for.
        ranked = [stays[n % 2].public_id, stays[(n + 1) % 2].public_id]
        tickets[child.id] = _request_places(family, check, slug, child.first_name, *ranked)
    entries = db.session.scalars(select(LotteryEntry).where(LotteryEntry.campaign_id == campaign.id)).all()
    assert {e.child_id: e.ticket for e in entries} == tickets

    # --- time passes: requests close (the window's end is moved to the past) --------------------
    db.session.execute(update(Campaign).where(Campaign.id == campaign.id)
                       .values(closes_dt=utcnow() - timedelta(minutes=1)))
    db.session.commit()

    # --- the city agent draws -------------------------------------------------------------------
    log_in(phone, world.city_agent)
    phone.goto(f"/activites/campagnes/{slug}")
    check(phone)
    phone.get_by_role("button", name="Tirer les places au sort maintenant").click()
    phone.wait_for_url(f"**/activites/campagnes/{slug}*")
    db.session.refresh(campaign)
    assert campaign.drawn_dt is not None and campaign.seed
    assert (f"Le tirage est fait : 2 enfants placés, 3 en liste d’attente. Graine : {campaign.seed}."
            in words(phone))
    assert phone.get_by_role("button", name="Tirer les places au sort maintenant").count() == 0
    check(phone)
    log_out(phone)

    # The family drawn first finds its place on its own page (tickets and outcome).
    drawn_first = lottery.published_result(campaign)["entries"][0]
    first_child = next(e.child_id for e in entries if e.ticket == drawn_first["ticket"])
    family = phones[first_child]
    family.goto(f"/activites/campagnes/{slug}")
    family.get_by_role("link", name="Mes tickets et le résultat").click()
    family.wait_for_url(f"**/activites/campagnes/{slug}/demande")
    outcome = words(family, "main section.card")
    first_choice = next(stay.title for stay in stays if stay.public_id == drawn_first["choices"][0])
    assert f"Ticket : {tickets[first_child]} · rang 1 au tirage" in outcome
    assert f"1er choix : {first_choice} — Place confirmée" in outcome
    check(family, " after the draw")

    # --- anyone, logged out, reads the result and re-runs the draw ------------------------------
    phone.goto(f"/activites/campagnes/{slug}")
    check(phone, " logged out")
    seed = phone.locator("main .draw-proof .code").inner_text()
    assert seed == campaign.seed
    table = phone.locator("main table.stack")
    assert "Tickets dans l’ordre du tirage (sans noms)" in words(table, "caption")
    rows = table.locator("tbody tr")
    assert rows.count() == FAMILIES
    shown = [rows.nth(i).locator("th").inner_text() for i in range(FAMILIES)]
    outcomes = [rows.nth(i).locator("td").last.inner_text() for i in range(FAMILIES)]
    assert sorted(shown) == sorted(tickets.values())
    assert sorted(outcomes) == sorted(["Séjour 1", "Séjour 2"] + ["Liste d’attente"] * 3)
    assert all(guardian.last_name not in words(phone) for guardian, _child in families)  # no names
    phone.locator("main details > summary", has_text="Comment vérifier le tirage").click()
    check(phone, " logged out, how to check open")

    download = phone.request.get(f"/activites/campagnes/{slug}/resultat.json")
    assert download.ok
    published = json.loads(download.text())
    assert published["seed"] == seed
    assert lottery.rerun(published) == shown
    placed = lottery.rerun_placements(published)
    titles = {stay.public_id: stay.title for stay in stays}
    assert [titles.get(placed[ticket], "Liste d’attente") for ticket in shown] == outcomes

    # The same public page in English reads complete.
    in_language(phone, f"/activites/campagnes/{slug}", "en")
    english = words(phone)
    assert f"Seed: {seed}" in english and "Tickets in the order of the draw (no names)" in english
    assert english.count("Waiting list") >= 3 and "Priority rules" in english
    check(phone)
    print(f"\npages checked with axe: {check.visited}")
    check.assert_phone_layout()
