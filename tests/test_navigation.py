"""The main menu: one short row of daily sections, the rest under "More", and every entry opens."""
from __future__ import annotations

import re

import pytest
from flask import url_for

from ent_lite.navigation.menu import SECTIONS


def menu_of(html: str) -> tuple[list[str], list[str]]:
    nav = html.split('<nav class="menu"')[1].split("</nav>")[0]
    primary, more = nav.split('<details class="more">')
    return re.findall(r'<a href="([^"]+)"', primary), re.findall(r'<a href="([^"]+)"', more)


# Everyone of the city of tests/city_life: each role, a site lead beside a group animator, a
# city agent with a service, a teacher, a director.
PEOPLE = {
    "parent": lambda life: life.world.parent_a,
    "teacher": lambda life: life.world.teacher_a,
    "director": lambda life: life.world.director,
    "group animator": lambda life: life.morning_animator,
    "site lead": lambda life: life.lead,
    "city agent": lambda life: life.agent2,
    "admin": lambda life: life.world.admin,
    "dpo": lambda life: life.world.dpo,
}


@pytest.mark.parametrize("who", PEOPLE)
def test_the_menu_offers_exactly_the_pages_that_open_for_the_person(app, life, client, login_as, who):
    """Every page the menu can offer is followed: those that open (200) are in the person's
    menu, those that answer 404 are not, so the menu never hides a page or offers a dead end."""
    login_as(PEOPLE[who](life))
    primary, more = menu_of(client.get("/account").get_data(as_text=True))
    assert 1 <= len(primary) <= 3
    assert "/account" in more and "/account" not in primary
    with app.test_request_context():
        urls = [url_for(section.endpoint) for section in SECTIONS]
    answers = {url: client.get(url).status_code for url in urls}
    assert set(answers.values()) <= {200, 404}, answers
    assert {url for url, status in answers.items() if status == 200} == set(primary + more)


def test_a_parent_has_news_messages_and_activities_in_the_row_and_the_rest_under_more(world, client, login_as):
    login_as(world.parent_a)
    primary, more = menu_of(client.get("/account").get_data(as_text=True))
    assert primary == ["/news", "/messages", "/activites/pour-mes-enfants"]
    assert {"/consents", "/privacy/my-data", "/notifications"} <= set(more)


def test_staff_who_post_have_write_in_the_row(world, client, login_as):
    login_as(world.teacher_a)
    primary, _ = menu_of(client.get("/account").get_data(as_text=True))
    assert primary == ["/news", "/messages", "/news/new"]


def test_the_current_page_is_marked(world, client, login_as):
    login_as(world.parent_a)
    html = client.get("/messages").get_data(as_text=True)
    assert '<a href="/messages" aria-current="page">' in html
    assert '<a href="/news" aria-current' not in html


def test_the_menu_has_a_log_out_button_under_more(world, client, login_as):
    login_as(world.parent_a)
    more = client.get("/account").get_data(as_text=True).split('<details class="more">')[1]
    assert 'action="/logout"' in more


def test_organisers_manage_activities_and_city_agents_see_the_indicator(world, client, login_as):
    from tests.activities.factories import build_activity_world

    build_activity_world(world)  # the city agent's service, the animator's site
    login_as(world.city_agent)
    _, more = menu_of(client.get("/account").get_data(as_text=True))
    assert {"/activites/gerer", "/activites/indicateur"} <= set(more)
    login_as(world.animator)
    _, more = menu_of(client.get("/account").get_data(as_text=True))
    assert "/activites/gerer" in more and "/activites/indicateur" not in more
    login_as(world.teacher_a)
    _, more = menu_of(client.get("/account").get_data(as_text=True))
    assert not any(url.startswith("/activites") for url in more)


def test_the_week_of_a_family_is_in_the_menu_of_those_it_concerns(life, client, login_as):
    world = life.world
    expected = {
        world.parent_a: {"/absences", "/agenda"},
        world.teacher_a: {"/absences/aujourdhui", "/agenda"},
        world.director: {"/absences/aujourdhui", "/agenda", "/agenda/gerer"},
        life.lead: {"/absences/aujourdhui", "/agenda", "/agenda/gerer", "/periscolaire"},
        world.city_agent: {"/agenda", "/agenda/gerer"},
        world.admin: {"/periscolaire"},
    }
    for person, urls in expected.items():
        login_as(person)
        _, more = menu_of(client.get("/account").get_data(as_text=True))
        assert urls <= set(more), (person.role, more)
        for url in urls:
            assert client.get(url).status_code == 200, (person.role, url)
    login_as(world.animator)
    _, more = menu_of(client.get("/account").get_data(as_text=True))
    assert "/periscolaire" not in more and "/agenda/gerer" not in more  # a group animator leads nothing
    login_as(world.dpo)
    _, more = menu_of(client.get("/account").get_data(as_text=True))
    assert not {"/agenda", "/absences", "/absences/aujourdhui", "/periscolaire"} & set(more)
