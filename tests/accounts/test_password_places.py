"""Passwords refuse the names of the city's schools, sites, services and groups (PRIVACY.md 21).

Names count by their significant words (four letters or more, not a kind of place such as
"école" or "maternelle"), on every path that sets a password.
"""
from __future__ import annotations

import pytest

from ent_lite.accounts import services
from ent_lite.accounts.password_policy import password_problems, place_words
from ent_lite.school.models import EstablishmentKind, GroupKind
from tests import factories
from tests.accounts.conftest import NEW_PASSWORD

PLACE_PROBLEM = "Do not use the name of a school, a group or a service of the city."


@pytest.fixture
def english_request(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


@pytest.mark.parametrize("name, words", [
    ("École élémentaire Jean Jaurès", ("jaures", "jean")),
    ("École maternelle Les Tilleuls", ("tilleuls",)),
    ("CE1-CE2", ()),
    ("CP A", ()),
    ("Accueil du soir", ()),
    ("Service Éducation Enfance", ("education", "enfance")),
    ("Groupe scolaire Saint-Exupéry", ("exupery",)),
])
def test_place_names_count_by_their_significant_words(name, words):
    assert place_words([name]) == words


def test_place_words_are_refused_without_case_or_accents(english_request):
    places = place_words(["École élémentaire Jean Jaurès", "Les Tilleuls"])
    assert password_problems("vive JAURÈS et la république", (), places) == [PLACE_PROBLEM]
    assert password_problems("sous les tilleuls en ete", (), places) == [PLACE_PROBLEM]
    # The generic words alone refuse nothing.
    assert password_problems("maternelle puis elementaire", (), places) == []


def test_the_context_holds_every_place_of_the_city_and_no_other_city(world, db):
    site = factories.make_school(world.city, "Accueil périscolaire Les Explorateurs")
    site.kind = EstablishmentKind.PERISCOLAIRE
    group = factories.make_class(site, "Les Aventuriers du mercredi")
    group.kind = GroupKind.PERISCOLAIRE
    service = factories.make_school(world.city, "Service Jeunesse")
    service.kind = EstablishmentKind.SERVICE
    elsewhere = factories.make_city("Autreville")
    factories.make_school(elsewhere, "École Victor Hugo")
    db.session.commit()
    places = services.context_words(world.parent_a).places
    assert {"jules", "ferry", "louise", "michel", "explorateurs", "aventuriers", "jeunesse"} <= set(places)
    assert "hugo" not in places and "victor" not in places
    assert "ecole" not in places and "mercredi" not in places


def change_password(client, password):
    return client.post("/account/password", data={"current_password": factories.PASSWORD,
                                                  "password": password, "confirm": password})


def test_a_guardian_cannot_use_the_childs_school_name(client, world, login_as):
    login_as(world.parent_a)  # child_a is at École Jules Ferry
    page = change_password(client, "julesferry pour toujours 7").get_data(as_text=True)
    assert PLACE_PROBLEM in page and 'id="password-error"' in page
    assert change_password(client, NEW_PASSWORD).status_code == 302


def test_staff_cannot_use_another_school_of_the_city_either(client, world, login_as):
    login_as(world.teacher_a)
    assert PLACE_PROBLEM in change_password(client, "louise michel la rouge 71").get_data(as_text=True)
