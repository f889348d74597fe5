"""Keeping a site's groups: a site lead adds pupils of the site's district only (the admin of
the whole city), forged schools and classes enrol nobody; the admin and the site lead give a
group its kind (CSRF, error summary, audited), and groups still without a kind are pointed out
on the sites page and to the city agent who targets by kind."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from ent_lite.audit.models import AuditEntry
from ent_lite.extensions import db
from ent_lite.periscolaire import services
from ent_lite.school.models import Enrolment, Establishment, EstablishmentKind, PeriscolaireKind
from tests.city_life.factories import make_periscolaire_group

ENGLISH = {"Accept-Language": "en"}


def in_group(group) -> set[int]:
    return set(db.session.scalars(select(Enrolment.child_id).where(Enrolment.group_id == group.id)))


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("periscolaire.%"))
                                   .order_by(AuditEntry.id)))


# --- the schools a keeper picks pupils from -------------------------------------------------

def test_the_lead_is_offered_the_schools_of_the_sites_district_and_the_admin_the_whole_city(life, login_as):
    world = life.world
    url = f"/periscolaire/groupes/{life.wednesday.public_id}"
    lead_page = login_as(life.lead).get(url).get_data(as_text=True)
    assert world.school.public_id in lead_page  # Nord, as the site
    assert world.other_school.public_id not in lead_page  # Sud
    admin_page = login_as(world.admin).get(url).get_data(as_text=True)
    assert world.school.public_id in admin_page and world.other_school.public_id in admin_page
    assert world.far.school.public_id not in admin_page  # "Nord" of the second city is another place


@pytest.mark.parametrize("where", ["other_district", "second_city"])
def test_a_forged_school_is_404_and_enrols_nobody(life, login_as, where):
    world = life.world
    school, class_, child = ((world.other_school, world.other_class, world.other_child) if where == "other_district"
                             else (world.far.school, world.far.class_, world.far.child))
    client = login_as(life.lead)
    url = f"/periscolaire/groupes/{life.wednesday.public_id}"
    forged = {"ecole": school.public_id, "classe": class_.public_id}
    assert client.get(url, query_string=forged).status_code == 404
    response = client.post(url, query_string=forged, data={"action": "enrol", "child": [child.public_id]})
    assert response.status_code == 404
    assert in_group(life.wednesday) == {world.child_b.id} and actions() == []


def test_a_class_of_another_school_under_an_allowed_school_is_refused_clearly(life, login_as):
    world = life.world
    client = login_as(life.lead)
    url = f"/periscolaire/groupes/{life.wednesday.public_id}"
    forged = {"ecole": world.school.public_id, "classe": world.other_class.public_id}
    page = client.get(url, query_string=forged).get_data(as_text=True)
    assert world.other_child.public_id not in page  # the class is not chosen: its pupils are not offered
    response = client.post(url, query_string=forged, headers=ENGLISH,
                           data={"action": "enrol", "child": [world.other_child.public_id]})
    assert response.status_code == 200 and "Choose children from the list." in response.get_data(as_text=True)
    assert in_group(life.wednesday) == {world.child_b.id} and actions() == []


def test_the_admin_enrols_a_pupil_of_another_district(life, login_as):
    world = life.world
    client = login_as(world.admin)
    url = f"/periscolaire/groupes/{life.wednesday.public_id}"
    filters = {"ecole": world.other_school.public_id, "classe": world.other_class.public_id}
    assert client.post(url, query_string=filters,
                       data={"action": "enrol", "child": [world.other_child.public_id]}).status_code == 302
    assert world.other_child.id in in_group(life.wednesday)


def test_the_rule_of_addable_children_follows_the_keeper(life):
    world = life.world
    assert services.addable_children(life.lead, life.wednesday, world.other_class) == []
    assert services.addable_children(world.admin, life.wednesday, world.other_class) == [world.other_child]
    assert services.addable_children(world.admin, life.wednesday, world.far.class_) == []


def test_a_site_without_a_district_offers_its_lead_no_school(life, login_as):
    life.site.district = None
    db.session.commit()
    assert services.pickable_schools(life.lead, life.site) == []
    page = login_as(life.lead).get(f"/periscolaire/groupes/{life.wednesday.public_id}", headers=ENGLISH)
    assert "This site has no district yet" in page.get_data(as_text=True)
    assert len(services.pickable_schools(life.world.admin, life.site)) == 2


# --- a group's kind ----------------------------------------------------------------------------

@pytest.fixture
def untyped(life):
    """A group made before the kinds existed (migration 0008): no kind."""
    group = make_periscolaire_group(life.site, "Ateliers du soir", None)
    db.session.commit()
    return group


@pytest.mark.parametrize("who", ["admin", "lead"])
def test_the_admin_and_the_lead_give_a_group_its_kind(life, login_as, untyped, who):
    client = login_as(life.world.admin if who == "admin" else life.lead)
    url = f"/periscolaire/groupes/{untyped.public_id}"
    page = client.get(url).get_data(as_text=True)
    assert "Ce groupe n’a pas de type\u00a0: choisissez-le." in page and 'name="periscolaire_kind"' in page
    assert client.post(url, data={"action": "kind", "periscolaire_kind": "evening"}).status_code == 302
    db.session.refresh(untyped)
    assert untyped.periscolaire_kind == PeriscolaireKind.EVENING and actions() == ["periscolaire.kind"]
    page = client.get(url).get_data(as_text=True)
    assert "Accueil du soir" in page and "choisissez-le" not in page


@pytest.mark.parametrize("typed", ["", "brunch"])
def test_a_missing_or_unknown_kind_is_explained_and_nothing_changes(life, login_as, typed):
    client = login_as(life.lead)
    url = f"/periscolaire/groupes/{life.evening.public_id}"
    response = client.post(url, data={"action": "kind", "periscolaire_kind": typed}, headers=ENGLISH)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "error-summary" in html
    assert 'href="#periscolaire_kind">Choose when the group looks after the children.' in html
    db.session.refresh(life.evening)
    assert life.evening.periscolaire_kind == PeriscolaireKind.EVENING and actions() == []


def test_the_kind_form_needs_its_csrf_token(life, login_as, untyped):
    client = login_as(life.lead)
    response = client.post(f"/periscolaire/groupes/{untyped.public_id}",
                           data={"action": "kind", "periscolaire_kind": "lunch"}, csrf=False)
    assert response.status_code == 400
    db.session.refresh(untyped)
    assert untyped.periscolaire_kind is None


def test_an_animator_of_the_group_or_another_city_cannot_change_the_kind(life, login_as):
    url = f"/periscolaire/groupes/{life.evening.public_id}"
    for user in (life.world.animator, life.world.far.admin):
        client = login_as(user)
        assert 'name="periscolaire_kind"' not in client.get(url).get_data(as_text=True)
        assert client.post(url, data={"action": "kind", "periscolaire_kind": "lunch"}).status_code == 404
    db.session.refresh(life.evening)
    assert life.evening.periscolaire_kind == PeriscolaireKind.EVENING and actions() == []


def test_the_sites_page_lists_the_groups_without_a_kind(life, login_as, untyped):
    page = login_as(life.lead).get("/periscolaire").get_data(as_text=True)
    assert "1 groupe n’a pas de type" in page
    assert f'/periscolaire/groupes/{untyped.public_id}#kind">Ateliers du soir (Accueil périscolaire Jules Ferry)' \
           "\u00a0: choisissez son type" in page
    untyped.periscolaire_kind = PeriscolaireKind.LUNCH
    db.session.commit()
    assert "n’a pas de type" not in login_as(life.lead).get("/periscolaire").get_data(as_text=True)


def test_the_city_agent_is_told_how_many_groups_a_kind_criterion_misses(life, login_as, untyped):
    world = life.world
    other_site = Establishment(city=world.far.city, kind=EstablishmentKind.PERISCOLAIRE, name="Accueil Autreville")
    db.session.add(other_site)  # the second city's: not counted
    db.session.flush()
    make_periscolaire_group(other_site, "Sans type", None)
    make_periscolaire_group(life.site, "Études", None)
    db.session.commit()
    assert services.untyped_group_count(world.city.id) == 2
    page = login_as(world.city_agent).get("/news/new", headers=ENGLISH).get_data(as_text=True)
    assert "2 periscolaire groups have no kind yet: their children are not reached by a kind criterion." in page
    untyped.periscolaire_kind = PeriscolaireKind.LUNCH
    db.session.commit()
    page = login_as(world.city_agent).get("/news/new", headers=ENGLISH).get_data(as_text=True)
    assert "1 periscolaire group has no kind yet: its children are not reached by a kind criterion." in page
