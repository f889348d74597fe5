"""Consent statistics: the same answer as ``may`` for every child, counts only, constant queries."""
from __future__ import annotations

from datetime import timedelta

import pytest

from ent_lite.accounts.models import Role
from ent_lite.consents import services as consents
from ent_lite.core.db_types import utcnow
from ent_lite.dpo import services
from ent_lite.extensions import db
from tests import factories
from tests.queries import recorded_statements

PHOTOS, CITY_INFO = consents.PHOTO_PUBLICATION, consents.CITY_INFORMATION


@pytest.fixture
def decided(world):
    """Awa: both guardians agree to class photos, only one to school photos; Léo (one guardian):
    class photos; Inès: nothing. City information: Fatou yes, Karim yes then no."""
    now = utcnow() - timedelta(minutes=5)
    for guardian in (world.parent_a, world.parent_a2):
        consents.set_consent(guardian, PHOTOS, True, now, child=world.child_a, audience="class")
    consents.set_consent(world.parent_a, PHOTOS, True, now, child=world.child_a, audience="school")
    consents.set_consent(world.parent_b, PHOTOS, True, now, child=world.child_b, audience="class")
    consents.set_consent(world.parent_a, CITY_INFO, True, now)
    consents.set_consent(world.other_parent, CITY_INFO, True, now)
    consents.set_consent(world.other_parent, CITY_INFO, False, now + timedelta(minutes=1))
    db.session.commit()
    return world


def by_name(stats):
    index = {(c.purpose.key, c.audience): i for i, c in enumerate(stats.columns)}
    table = {row.name: {key: (row.agreed[i], row.total(stats.columns[i])) for key, i in index.items()}
             for row in stats.rows}
    table["city"] = {key: (stats.city.agreed[i], stats.city.total(stats.columns[i])) for key, i in index.items()}
    return table


def test_counts_per_establishment_and_for_the_city(decided):
    table = by_name(services.consent_statistics(utcnow(), decided.city.id))
    ferry, michel = table["École Jules Ferry"], table["École Louise Michel"]
    assert ferry[(PHOTOS, "class")] == (2, 2)
    assert ferry[(PHOTOS, "school")] == (0, 2)  # both guardians are required, only one agreed
    assert ferry[(PHOTOS, "city")] == (0, 2)
    assert ferry[(CITY_INFO, None)] == (1, 3)
    assert michel[(PHOTOS, "class")] == (0, 1)
    assert michel[(CITY_INFO, None)] == (0, 1)  # withdrawn
    assert table["city"][(PHOTOS, "class")] == (2, 3)
    assert table["city"][(CITY_INFO, None)] == (1, 4)


def test_the_figures_agree_with_may_for_every_child_and_guardian(decided):
    world = decided
    now = utcnow()
    stats = services.consent_statistics(now, world.city.id)
    children = [world.child_a, world.child_b, world.other_child]
    guardians = [world.parent_a, world.parent_a2, world.parent_b, world.other_parent]
    for index, column in enumerate(stats.columns):
        if column.purpose.consent.subject == "child":
            expected = sum(consents.may(child, column.purpose.key, column.audience, now) for child in children)
        else:
            expected = sum(consents.may(guardian, column.purpose.key, None, now) for guardian in guardians)
        assert stats.city.agreed[index] == expected, column


def test_the_page_shows_counts_and_no_child_name(decided, login_as, english):
    login_as(decided.dpo, target=english)
    page = english.get("/dpo/consents").get_data(as_text=True)
    assert "École Jules Ferry" in page and "Whole city" in page
    ferry_row = page.split("École Jules Ferry")[1].split("</tr>")[0]
    assert "2 of 2 (100 %)" in ferry_row and "1 of 3 (33 %)" in ferry_row
    for name in ("Awa", "Léo", "Inès", "Diallo", "Lefèvre", "Benali", "Fatou", "Karim"):
        assert name not in page


def count_queries(function) -> int:
    with recorded_statements() as statements:
        function()
    return len(statements)


def test_a_constant_number_of_queries_whatever_the_size_of_the_city(decided):
    world = decided
    now = utcnow()
    small = count_queries(lambda: services.consent_statistics(now, world.city.id))
    school = factories.make_school(world.city, "École Victor Hugo")
    group = factories.make_class(school, "CE2", "CE2")
    for n in range(12):
        guardian = factories.make_user(world.city, Role.GUARDIAN, "Parent", f"Famille{n}")
        child = factories.make_child(world.city, group, f"Enfant{n}", f"Famille{n}", guardians=(guardian,))
        consents.set_consent(guardian, PHOTOS, True, now - timedelta(minutes=1), child=child, audience="class")
        consents.set_consent(guardian, CITY_INFO, n % 2 == 0, now - timedelta(minutes=1))
    db.session.commit()
    db.session.expire_all()
    large = count_queries(lambda: services.consent_statistics(now, world.city.id))
    assert large == small
    assert by_name(services.consent_statistics(now, world.city.id))["École Victor Hugo"][(PHOTOS, "class")] == (12, 12)
