"""The public catalogue /activites: anyone reads it, it names nobody, its filters work, and
only the catalogue city's published, current activities are in it."""
from __future__ import annotations

from datetime import timedelta

import pytest

from ent_lite.activities import catalogue
from ent_lite.activities.catalogue import Filters
from ent_lite.core.db_types import utcnow
from ent_lite.core.localtime import to_local
from ent_lite.extensions import db
from tests.activities.factories import make_activity
from tests.activities.public_helpers import leaks, personal_strings, register


def titles(entries):
    return [entry.activity.title for entry in entries]


def page_titles(city_id, filters=Filters(), now=None):
    return titles(catalogue.catalogue_page(city_id, now or utcnow(), filters, 1)[0])


def test_anyone_reads_the_catalogue_soonest_first(aw, client):
    now = utcnow()
    make_activity(aw, title="Théâtre", first_session=now + timedelta(days=20))
    make_activity(aw, title="Judo", first_session=now + timedelta(days=3))
    response = client.get("/activites")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.index("Judo") < html.index("Théâtre")
    assert "Service des sports" in html and "Gymnase" not in html  # the place is on the activity's page


def test_an_item_says_when_for_whom_how_much_and_how_many_places(aw, english):
    now = utcnow()
    first = (now + timedelta(days=10)).replace(hour=13, minute=0, second=0, microsecond=0)
    activity = make_activity(aw, title="Escalade", first_session=first, min_age=6, max_age=11,
                             prices=(200, 500, 800), capacity=5)
    activity.places_taken = 2
    db.session.commit()
    html = english.get("/activites").get_data(as_text=True)
    local = to_local(first)
    assert f"{local.strftime('%b')} {local.day}" in html
    assert "6 to 11 years old" in html
    assert "from €2.00 to €8.00" in html
    assert "3 places left" in html


def test_french_item_reads_like_the_city_writes(aw, client):
    activity = make_activity(aw, title="Piscine", prices=(0, 0, 0), capacity=1, levels="CP,CE1")
    register(activity, aw.world.child_a, aw.world.parent_a)
    make_activity(aw, title="Séjour", prices=(1000, 2000, 3000))
    html = client.get("/activites").get_data(as_text=True)
    assert "Gratuit" in html and "Complet — liste d’attente" in html and "CP, CE1" in html
    assert "de 10,00\u00a0€ à 30,00\u00a0€" in html


def test_a_lottery_activity_says_so(aw, client):
    from tests.activities.factories import make_campaign
    campaign = make_campaign(aw)
    make_activity(aw, title="Séjour montagne", mode="lottery", campaign=campaign, category="holiday_stay")
    html = client.get("/activites").get_data(as_text=True)
    assert "Tirage au sort" in html and "Séjour montagne" in html


def test_drafts_withdrawn_finished_and_other_city_activities_are_not_listed(aw):
    now = utcnow()
    make_activity(aw, title="Visible", now=now)
    make_activity(aw, title="Brouillon", published=False, now=now)
    withdrawn = make_activity(aw, title="Retirée", now=now)
    withdrawn.withdrawn_dt = now - timedelta(minutes=1)
    later = make_activity(aw, title="Publiée demain", now=now)
    later.published_dt = now + timedelta(days=1)
    far_world = build_far_activity(aw)
    make_activity(far_world, title="Ailleurs", now=now)
    db.session.commit()
    assert page_titles(aw.world.city.id, now=now) == ["Visible"]


def build_far_activity(aw):
    """The second city's service, as an ActivityWorld whose activities belong to that city."""
    from tests.activities.factories import ActivityWorld, make_brackets
    far = aw.world.far
    world = type("FarWorld", (), {"city": far.city, "city_agent": far.city_agent})
    return ActivityWorld(world, far.service, far.service, make_brackets(far.city))


def test_an_activity_leaves_the_catalogue_when_its_last_session_ends(aw):
    now = utcnow()
    activity = make_activity(aw, title="Atelier", now=now)
    end = activity.last_session_dt
    assert page_titles(aw.world.city.id, now=end - timedelta(seconds=1)) == ["Atelier"]
    assert page_titles(aw.world.city.id, now=end) == []


def test_the_other_citys_catalogue_is_invisible_anonymously_and_to_its_users(aw, client, login_as):
    make_activity(aw, title="Judo de Testville")
    far = build_far_activity(aw)
    theirs = make_activity(far, title="Judo d’Autreville")
    html = client.get("/activites").get_data(as_text=True)
    assert "Judo de Testville" in html and "Autreville" not in html
    assert client.get(f"/activites/{theirs.public_id}").status_code == 404
    login_as(aw.world.far.parent)
    html = client.get("/activites").get_data(as_text=True)
    assert "Judo d’Autreville" in html and "Judo de Testville" not in html


def test_a_5_year_old_filter_excludes_a_6_to_11_activity(aw, client):
    make_activity(aw, title="Escalade", min_age=6, max_age=11)
    make_activity(aw, title="Éveil", min_age=3, max_age=5)
    make_activity(aw, title="Ouvert à tous")
    html = client.get("/activites?age=5").get_data(as_text=True)
    assert "Éveil" in html and "Ouvert à tous" in html and "Escalade" not in html
    html = client.get("/activites?age=6").get_data(as_text=True)
    assert "Escalade" in html and "Éveil" not in html


def test_level_category_and_free_places_filters(aw):
    city = aw.world.city.id
    make_activity(aw, title="Foot CE1", levels="CE1,CE2")
    make_activity(aw, title="Musée", category="culture")
    full = make_activity(aw, title="Complet", capacity=1)
    full.places_taken = 1
    db.session.commit()
    assert sorted(page_titles(city, Filters(level="CP"))) == ["Complet", "Musée"]
    assert sorted(page_titles(city, Filters(level="CE2"))) == ["Complet", "Foot CE1", "Musée"]
    assert page_titles(city, Filters(category="culture")) == ["Musée"]
    assert "Complet" not in page_titles(city, Filters(free_only=True))


def test_the_period_filter_keeps_activities_with_a_session_in_it(aw, client):
    now = utcnow()
    first = (now + timedelta(days=30)).replace(hour=12, minute=0, second=0, microsecond=0)
    make_activity(aw, title="Stage", first_session=first, sessions=3)  # weekly: days 30, 37, 44
    day = to_local(first).date()
    city = aw.world.city.id
    assert page_titles(city, Filters(since=day + timedelta(days=7), until=day + timedelta(days=7))) == ["Stage"]
    assert page_titles(city, Filters(since=day + timedelta(days=1), until=day + timedelta(days=6))) == []
    assert page_titles(city, Filters(since=day + timedelta(days=45))) == []
    assert page_titles(city, Filters(until=day - timedelta(days=1))) == []
    html = client.get(f"/activites?since={day.isoformat()}&until={day.isoformat()}").get_data(as_text=True)
    assert "Stage" in html


@pytest.mark.parametrize("query, message", [
    ("age=abc", "Saisissez un âge en années"),
    ("age=40", "Saisissez un âge en années"),
    ("level=CP%25", "Choisissez un niveau"),
    ("category=piscine", "Choisissez un type"),
    ("since=31/02/2027", "Écrivez la date"),
    ("since=2027-07-10&until=2027-07-01", "La date de fin est avant la date de début"),
])
def test_a_bad_filter_gets_a_translated_error_summary_never_a_500(aw, client, query, message):
    make_activity(aw, title="Judo")
    response = client.get(f"/activites?{query}")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "error-summary" in html and message in html and "Judo" not in html


def test_the_catalogue_is_paginated_and_keeps_the_filters(aw, client):
    now = utcnow()
    for n in range(catalogue.PER_PAGE + 1):
        make_activity(aw, title=f"Atelier {n:02d}", first_session=now + timedelta(days=3, hours=n))
    html = client.get("/activites?category=sport").get_data(as_text=True)
    assert f"Atelier {catalogue.PER_PAGE - 1:02d}" in html and f"Atelier {catalogue.PER_PAGE:02d}" not in html
    assert "page=2" in html and "category=sport" in html
    html = client.get("/activites?category=sport&page=2").get_data(as_text=True)
    assert f"Atelier {catalogue.PER_PAGE:02d}" in html and "Atelier 00" not in html


def test_a_full_page_stays_under_30_kb(aw, client):
    now = utcnow()
    for n in range(50):
        make_activity(aw, title=f"Activité de découverte numéro {n:02d}", min_age=6, max_age=11, levels="CP,CE1,CE2",
                      first_session=now + timedelta(days=3, hours=n), prices=(150, 700, 1250))
    response = client.get("/activites")
    assert response.get_data(as_text=True).count('class="card activity-item"') == catalogue.PER_PAGE
    assert len(response.data) <= 30 * 1024


def test_no_personal_data_even_with_registrations(aw, client):
    strings = personal_strings(aw.world)
    activity = make_activity(aw, title="Judo", capacity=2)
    register(activity, aw.world.child_a, aw.world.parent_a)
    register(activity, aw.world.child_b, aw.world.parent_b)
    for url in ("/activites", f"/activites/{activity.public_id}", "/activites.json", "/activites.atom",
                "/activites.ics"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert leaks(response.get_data(as_text=True), strings) == [], url


def test_the_catalogue_is_the_same_for_a_signed_in_family(aw, client, login_as):
    make_activity(aw, title="Judo")
    login_as(aw.world.parent_b)
    assert "Judo" in client.get("/activites").get_data(as_text=True)


def test_query_count_does_not_grow_with_the_activities(aw, app):
    from tests.queries import recorded_statements
    make_activity(aw, title="Un")
    city_id = aw.world.city.id
    with recorded_statements() as few:
        catalogue.catalogue_page(city_id, utcnow(), Filters(), 1)
    for n in range(6):
        make_activity(aw, title=f"Plus {n}")
    db.session.expire_all()
    with recorded_statements() as many:
        entries, _ = catalogue.catalogue_page(city_id, utcnow(), Filters(), 1)
        for entry in entries:
            assert entry.activity.establishment.name and entry.activity.campaign is None
    assert len(many) == len(few) == 2


def test_levels_filter_is_not_a_pattern(aw):
    """'C%' must not match CE1: only a level from the list reaches the query, whole."""
    make_activity(aw, title="CE1 seulement", levels="CE1")
    assert page_titles(aw.world.city.id, Filters(level="CE")) == []
