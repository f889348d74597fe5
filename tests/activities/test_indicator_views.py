"""The indicator page and its CSV: who sees them, what they say, what the file holds."""
from __future__ import annotations

import csv
import io

import pytest

from ent_lite.extensions import db
from tests import factories
from tests.activities.indicator_helpers import register, school_with, this_year_activity


@pytest.fixture
def city(aw):
    """Two schools of the city big enough to show, one child in three reached in the first."""
    first = school_with(aw.world, "École Pasteur", 6, district="Est")
    school_with(aw.world, "École Curie", 9, district="Ouest")
    judo = this_year_activity(aw)
    for child in first[:2]:
        register(judo, child)
    return aw


@pytest.mark.parametrize("role", ["parent_a", "teacher_a", "director", "animator", "dpo"])
def test_only_city_agents_and_the_admin_see_the_indicator(city, login_as, role):
    client = login_as(getattr(city.world, role))
    assert client.get("/activites/indicateur").status_code == 404
    assert client.get("/activites/indicateur.csv").status_code == 404


def test_a_visitor_is_sent_to_the_login_page(city, client):
    assert client.get("/activites/indicateur").status_code == 302


def test_the_page_says_what_each_figure_counts(city, login_as, english):
    page = login_as(city.world.city_agent).get("/activites/indicateur").get_data(as_text=True)
    assert factories.SCHOOL_YEAR in page
    assert "2 of 6 children — 33 %" in page
    assert "0 of 9 children — 0 %" in page
    # The world's two schools have 2 and 1 children: hidden, not shown as 0.
    assert page.count("fewer than 5 children") >= 2
    assert 'data-label="Children with an activity attended"' in page


def test_the_admin_sees_it_in_french(city, login_as):
    page = login_as(city.world.admin).get("/activites/indicateur").get_data(as_text=True)
    assert "2 enfants sur 6" in page and "moins de 5 enfants" in page
    # The admin posts nothing: no link to write.
    assert "audience=no_activity" not in page


def test_a_city_agent_of_another_city_sees_only_their_city(city, login_as, english):
    page = login_as(city.world.far.city_agent).get("/activites/indicateur").get_data(as_text=True)
    assert "École Pasteur" not in page and "École Jules Ferry" not in page
    text = login_as(city.world.far.city_agent).get("/activites/indicateur.csv").get_data(as_text=True)
    assert "Pasteur" not in text


def test_an_unknown_school_year_shows_the_one_in_progress(city, login_as, english):
    response = login_as(city.world.city_agent).get("/activites/indicateur?year=<script>")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "This school year is not known" in page and "<script>" not in page
    assert "2 of 6 children" in page


def _rows(response):
    body = response.get_data()
    assert body.startswith("\ufeff".encode("utf-8"))
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def test_the_csv_opens_in_a_spreadsheet_with_the_same_suppression(city, login_as, english):
    school_with(city.world, "=HYPERLINK(\"http://x\")", 5, district="+Nord")
    response = login_as(city.world.city_agent).get("/activites/indicateur.csv")
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    assert b"\r\n" in response.get_data()
    rows = _rows(response)
    assert rows[0] == ["Breakdown", "Name", "Children", "With an activity attended", "Share in percent", "Note"]
    by_name = {(row[0], row[1]): row for row in rows[1:]}
    assert by_name[("School", "École Pasteur")][2:5] == ["6", "2", "33"]
    small = by_name[("School", "École Jules Ferry")]
    assert small[2:5] == ["", "", ""] and small[5] == "fewer than 5 children"
    # Formula-safe: a name a spreadsheet would run is written as text.
    assert ("School", "'=HYPERLINK(\"http://x\")") in by_name
    assert ("District", "'+Nord") in by_name


def test_the_page_links_to_writing_to_the_families_not_reached(city, login_as, english):
    from tests.posts.helpers import add_city_service
    add_city_service(city.world)  # the city agent posts from a service (aw's already is one)
    page = login_as(city.world.city_agent).get("/activites/indicateur").get_data(as_text=True)
    token = f"no_activity:{factories.SCHOOL_YEAR}"
    assert f"/news/new?audience={token}" in page
    # 6 - 2 + 9 in the new schools, and the 3 children of the world's schools: one family each.
    assert "16 families have a child with no activity yet." in page
    compose = login_as(city.world.city_agent).get(f"/news/new?audience={token}").get_data(as_text=True)
    assert f'value="{token}" checked' in compose


def test_another_year_shows_its_figures_without_the_link_to_write(city, login_as, english):
    from tests.posts.helpers import add_city_service
    add_city_service(city.world)
    last_year = factories.make_class(city.world.school, "CP 2001", "CP")
    last_year.school_year = "2001-2002"
    factories.make_child(city.world.city, last_year, "Ancien")
    db.session.commit()
    page = login_as(city.world.city_agent).get("/activites/indicateur?year=2001-2002").get_data(as_text=True)
    assert "One activity per child: 2001-2002" in page and "This school year is not known" not in page
    assert "audience=no_activity" not in page  # the audience holds for the year in progress only
    assert "fewer than 5 children" in page


def test_the_french_page_is_light_and_follows_french_typography(city, login_as):
    from tests.test_french_typography import page_problems
    response = login_as(city.world.city_agent).get("/activites/indicateur", headers={"Accept-Language": "fr"})
    html = response.get_data(as_text=True)
    assert "Une activité par enfant" in html
    assert not page_problems(html)
    assert len(response.get_data()) <= 30 * 1024
    assert "<script" not in html


def test_writing_to_these_families_needs_the_form_s_csrf_token(city, login_as):
    client = login_as(city.world.city_agent)
    response = client.post("/news/new", data={"title": "T", "body": "B", "scope": f"no_activity:{factories.SCHOOL_YEAR}"},
                           csrf=False)
    assert response.status_code == 400
