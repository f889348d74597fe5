"""The absence pages as families and staff use them: the form, the family's list, today's list."""
from __future__ import annotations

import re
from datetime import time, timedelta

import pytest
from sqlalchemy import select

from ent_lite.absences import rules, services
from ent_lite.absences.models import AbsenceNotice
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.periscolaire.kinds import kinds_on
from ent_lite.school.models import GuardianLink, PeriscolaireKind
from tests.city_life.factories import evening_runs_today
from tests.queries import recorded_statements


@pytest.fixture
def open_all_day(life):
    """The site takes today's notices until the last instant of the day, so the pages can be
    tested at any hour (the cutoff itself is tested with ``now`` given, in test_rules)."""
    life.site.absence_cutoff = time.max
    db.session.commit()
    return life


def notices():
    db.session.expire_all()
    return db.session.scalars(select(AbsenceNotice).order_by(AbsenceNotice.id)).all()


def test_the_only_child_is_ticked_and_periscolaire_is_offered_only_with_a_group(life, login_as, english):
    login_as(life.world.parent_b)  # Léo, in "Mercredi"
    page = english.get("/absences/nouvelle").get_data(as_text=True)
    assert re.search(f'<input checked id="children-0" name="children" type="checkbox" '
                     f'value="{life.world.child_b.public_id}">', page)
    assert "At the periscolaire" in page and "Accueil périscolaire Jules Ferry" in page
    login_as(life.world.other_parent)  # Inès: no periscolaire group
    assert "At the periscolaire" not in english.get("/absences/nouvelle").get_data(as_text=True)


def test_one_submission_one_notice_per_child(open_all_day, login_as, english):
    world = open_all_day.world
    second = world.child_b
    db.session.add(GuardianLink(child_id=second.id, user_id=world.parent_a.id, rank=2))
    db.session.commit()
    login_as(world.parent_a)
    # A week from today: Léo's Wednesday leisure centre and Awa's evening childcare both run in it.
    first, last = rules.today(utcnow()), rules.today(utcnow()) + timedelta(days=6)
    response = english.post("/absences/nouvelle", data={
        "children": [world.child_a.public_id, second.public_id], "when": "days",
        "first_day": first.strftime("%d/%m/%Y"), "last_day": last.strftime("%d/%m/%Y"),
        "to_periscolaire": "y", "to_school": "y", "reason": "Mariage"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/absences")
    made = notices()
    assert [n.child_id for n in made] == sorted([world.child_a.id, second.id])
    assert all(n.to_school and n.to_periscolaire and n.reason.body == "Mariage" for n in made)
    page = english.get("/absences").get_data(as_text=True)
    assert "Not seen by the school yet" in page and "Not seen by the periscolaire yet" in page


def test_errors_are_listed_and_what_was_typed_is_kept(life, login_as, english):
    login_as(life.world.parent_a)
    response = english.post("/absences/nouvelle", data={
        "children": [life.world.child_a.public_id], "when": "days", "first_day": "12/01/2027",
        "last_day": "10/01/2027", "to_school": "y", "reason": "Voyage chez les grands-parents"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and notices() == []
    assert "Please correct the fields marked below." in page
    assert 'href="#last_day"' in page and "The last day must be on or after the first day." in page
    assert "Voyage chez les grands-parents" in page and 'value="12/01/2027"' in page
    missing = english.post("/absences/nouvelle", data={"when": "day"}).get_data(as_text=True)
    assert "Choose at least one child." in missing and "Enter the day of the absence." in missing
    assert "Choose the school, the periscolaire or both." in english.post("/absences/nouvelle", data={
        "children": [life.world.child_a.public_id], "when": "today"}).get_data(as_text=True)


def test_after_the_cutoff_the_form_says_to_phone_the_site(life, login_as, english):
    life.site.absence_cutoff = time(0, 0)  # closed for today from midnight
    evening_runs_today(life, rules.today(utcnow()))
    db.session.commit()
    login_as(life.world.parent_a)
    page = english.post("/absences/nouvelle", data={
        "children": [life.world.child_a.public_id], "when": "today", "to_periscolaire": "y"}).get_data(as_text=True)
    assert "no longer takes absences for today here: phone Accueil périscolaire Jules Ferry." in page
    assert notices() == []


def test_a_child_of_another_family_cannot_be_chosen(life, login_as, english):
    login_as(life.world.parent_b)
    page = english.post("/absences/nouvelle", data={
        "children": [life.world.child_a.public_id], "when": "today", "to_school": "y"}).get_data(as_text=True)
    assert "Choose among the children listed." in page and notices() == []


def test_the_form_needs_its_csrf_token(life, login_as, client):
    login_as(life.world.parent_a)
    response = client.post("/absences/nouvelle", data={"children": [life.world.child_a.public_id],
                                                       "when": "today", "to_school": "y"}, csrf=False)
    assert response.status_code == 400 and notices() == []


def evening_day(now):
    """Today or the next day the evening childcare ("Soir") runs (kinds.KIND_WEEKDAYS), so the
    test holds on a Wednesday or a Sunday too."""
    day = rules.today(now)
    while PeriscolaireKind.EVENING not in kinds_on(day, holiday=None):
        day += timedelta(days=1)
    return day


def test_staff_see_todays_absences_and_mark_them_seen(open_all_day, login_as, english):
    world = open_all_day.world
    now = utcnow()
    day = evening_day(now)
    notice = services.declare(world.parent_a, world.child_a, services.AbsenceFields(
        day, day, False, True, "Rendez-vous"), now)
    db.session.commit()
    login_as(world.animator)
    url = f"/absences/aujourdhui?jour={day.isoformat()}"
    page = english.get(url).get_data(as_text=True)
    assert "1 child absent" in page and "Awa Diallo" in page and "Soir" in page and "Rendez-vous" in page
    assert "Sent by Fatou Diallo" in page
    seen = english.post(f"/absences/{notice.public_id}/vu", data={"jour": day.isoformat()})
    assert seen.status_code == 302
    assert notices()[0].periscolaire_seen_by_id == world.animator.id
    assert "Seen by Yanis Moreau" in english.get(url).get_data(as_text=True)
    login_as(world.parent_a2)
    assert "Seen by the periscolaire: " in english.get("/absences").get_data(as_text=True)


def test_the_evening_animator_neither_lists_nor_acknowledges_a_wednesday_absence(life, login_as, english):
    world = life.world
    now = utcnow()
    wednesday = rules.today(now) + timedelta(days=(2 - rules.today(now).weekday()) % 7 or 7)
    notice = services.declare(world.parent_a, world.child_a, services.AbsenceFields(
        wednesday, wednesday, False, True), now)
    db.session.commit()
    login_as(world.animator)  # "Soir": no evening childcare on Wednesday
    page = english.get(f"/absences/aujourdhui?jour={wednesday.isoformat()}").get_data(as_text=True)
    assert "Awa Diallo" not in page and "0 children absent" in page
    assert english.post(f"/absences/{notice.public_id}/vu", data={"jour": wednesday.isoformat()}).status_code == 404
    login_as(life.morning_animator)  # "Matin": every weekday
    assert "Awa Diallo" in english.get(f"/absences/aujourdhui?jour={wednesday.isoformat()}").get_data(as_text=True)
    assert english.post(f"/absences/{notice.public_id}/vu", data={"jour": wednesday.isoformat()}).status_code == 302
    assert notices()[0].periscolaire_seen_by_id == life.morning_animator.id


def test_who_may_not_see_a_notice_gets_404(life, login_as, client):
    world = life.world
    now = utcnow()
    notice = services.declare(world.parent_a, world.child_a, services.AbsenceFields(
        rules.today(now) + timedelta(days=1), rules.today(now) + timedelta(days=1), True, False), now)
    db.session.commit()
    for user in (world.teacher_b, world.animator, world.far.director):
        login_as(user)
        assert client.post(f"/absences/{notice.public_id}/vu").status_code == 404
    for user in (world.parent_b, world.far.parent):
        login_as(user)
        assert client.post(f"/absences/{notice.public_id}/annuler").status_code == 404
    for user in (world.city_agent, world.admin, world.dpo):
        login_as(user)
        assert client.get("/absences/aujourdhui").status_code == 404
        assert client.get("/absences/nouvelle").status_code == 404
    assert notices()[0].school_seen_dt is None and notices()[0].cancelled_dt is None


def test_the_family_cancels_and_the_staff_see_it_struck(life, login_as, english):
    world = life.world
    now = utcnow()
    today = rules.today(now)
    notice = services.declare(world.parent_a, world.child_a, services.AbsenceFields(today, today, True, False), now)
    db.session.commit()
    login_as(world.parent_a2)
    assert english.post(f"/absences/{notice.public_id}/annuler").status_code == 302
    assert notices()[0].cancelled_dt is not None
    login_as(world.teacher_a)
    page = english.get(f"/absences/aujourdhui?jour={today.isoformat()}").get_data(as_text=True)
    assert "0 children absent" in page and "Cancelled by the family" in page and ">Seen<" not in page


def test_a_day_that_is_not_a_date_shows_today_with_a_message(life, login_as, english):
    login_as(life.world.teacher_a)
    response = english.get("/absences/aujourdhui?jour=2026-13-45")
    assert response.status_code == 200 and "Absences today" in response.get_data(as_text=True)
    assert "That is not a day we can show" in response.get_data(as_text=True)


def test_todays_list_takes_the_same_queries_for_one_or_many_children(life, login_as, client):
    world = life.world
    now = utcnow()
    today = rules.today(now)

    def page_statements():
        with recorded_statements() as statements:
            assert client.get("/absences/aujourdhui").status_code == 200
        return len(statements)

    services.declare(world.parent_a, world.child_a, services.AbsenceFields(today, today, True, False, "a"), now)
    db.session.commit()
    login_as(world.director)
    one = page_statements()
    services.declare(world.parent_b, world.child_b, services.AbsenceFields(today, today, True, False, "b"), now)
    db.session.commit()
    assert page_statements() == one
