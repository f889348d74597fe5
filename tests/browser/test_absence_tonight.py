"""Tonight's absence, on phones: a parent tells the evening childcare that Awa will not come,
the evening animator sees her in today's list and taps "Vu", and the parent sees it seen; then
the parent adds the family calendar to a calendar app by its private address, which the test
fetches as the app would and reads with icalendar — accessible, light, first-party only, with
targets a finger can hit and no sideways scrolling.

The site takes today's notices until the last instant of the day here, and "Soir" takes them
whatever the weekday (``evening_runs_today``), so the test passes at any hour of any day; the 16 h cutoff itself is tested at the exact instant in tests/absences/test_rules.py."""
from __future__ import annotations

from datetime import time
from urllib.parse import urlsplit
from urllib.request import urlopen

import icalendar

from ent_lite.agenda import events
from ent_lite.audience import keys
from ent_lite.core.db_types import utcnow
from ent_lite.core.localtime import to_local
from ent_lite.extensions import db
from tests.browser.conftest import log_in, log_out
from tests.city_life.factories import evening_runs_today
from tests.browser.phone_layout import layout_problems

PAGE_BUDGET_BYTES = 30 * 1024


def test_a_parent_reports_tonights_absence_and_the_animator_sees_it(phone, life, live_server, check_accessibility):
    world = life.world
    life.site.absence_cutoff = time.max
    today = to_local(utcnow()).date()
    evening_runs_today(life, today)
    events.create_event(life.lead, events.EventDetails("Goûter des familles", today, time(17, 30),
                                                            place="Salle du périscolaire"),
                        [keys.group_key(life.evening.id)], utcnow())
    db.session.commit()
    problems, weights = [], {}

    def checked():
        path = urlsplit(phone.url).path
        check_accessibility(phone)
        problems.extend(f"{path}: {problem}" for problem in layout_problems(phone))
        weights[path] = phone.recorder.compressed_weight(path)

    log_in(phone, world.parent_a)
    phone.goto("/absences")
    checked()
    phone.get_by_role("link", name="Signaler une absence").click()
    phone.wait_for_url("**/absences/nouvelle")
    checked()
    assert phone.get_by_label("Awa").is_checked(), "the only child is ticked already"
    assert phone.get_by_label("Aujourd’hui").is_checked()
    phone.get_by_label("À l’accueil périscolaire").check()
    phone.get_by_label("Motif (facultatif)").fill("Rendez-vous chez le dentiste")
    phone.get_by_role("button", name="Envoyer").click()
    phone.wait_for_url("**/absences")
    checked()
    assert "Pas encore vu par l’accueil périscolaire" in phone.locator("main").inner_text()

    log_out(phone)
    log_in(phone, world.animator)
    phone.goto("/absences/aujourdhui")
    checked()
    listed = phone.locator("main").inner_text()
    assert "1 enfant absent" in listed and "Awa Diallo" in listed and "Soir" in listed
    assert "Rendez-vous chez le dentiste" in listed
    phone.get_by_role("button", name="Vu Awa").click()
    phone.wait_for_load_state()
    assert "Vu par Yanis Moreau" in phone.locator("main").inner_text()
    checked()

    log_out(phone)
    log_in(phone, world.parent_a)
    phone.goto("/absences")
    assert "Vu par l’accueil périscolaire" in phone.locator("main").inner_text()

    # The calendar, then its private address for the phone's calendar app.
    phone.goto("/agenda")
    checked()
    assert "Goûter des familles" in phone.locator("main").inner_text()
    phone.get_by_role("link", name="Ajouter à l’agenda de mon téléphone").click()
    phone.wait_for_url("**/agenda/abonnement")
    phone.get_by_role("button", name="Faire mon adresse privée").click()
    phone.wait_for_url("**/agenda/abonnement/creer")  # the address is in that answer only
    checked()
    address = phone.get_by_label("Ou copiez cette adresse dans votre application d’agenda").input_value()
    assert phone.get_by_role("link", name="Ajouter à mon application d’agenda").get_attribute("href") \
        == "webcal://" + address.split("://", 1)[1]
    log_out(phone)
    with urlopen(address) as answer:  # the calendar app: no login, no cookie
        assert answer.headers["Content-Type"].startswith("text/calendar")
        calendar = icalendar.Calendar.from_ical(answer.read())
    (event,) = [e for e in calendar.walk("VEVENT") if str(e["SUMMARY"]) == "Goûter des familles"]
    assert event["DTSTART"].params["TZID"] == "Europe/Paris"
    assert (event["DTSTART"].dt.date(), event["DTSTART"].dt.hour, event["DTSTART"].dt.minute) == (today, 17, 30)
    assert str(event["LOCATION"]) == "Salle du périscolaire"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    assert "Awa" not in calendar.to_ical().decode()  # no child's name in an address that may leak

    assert phone.recorder.hosts() == {urlsplit(live_server).netloc}
    heavy = {path: weight for path, weight in weights.items() if weight > PAGE_BUDGET_BYTES}
    assert not heavy, heavy
    assert not problems, "\n".join(problems)
