"""The sites, site and group pages: the admin and the site lead keep them, a group's animators
read their list, everyone else (and the second city) gets 404; changes are audited."""
from __future__ import annotations

from datetime import time

import pytest
from sqlalchemy import select

from ent_lite.accounts.models import Role
from ent_lite.audit.models import AuditEntry
from ent_lite.extensions import db
from ent_lite.school.models import Enrolment, Establishment, EstablishmentKind

from tests import factories
from tests.city_life.factories import make_periscolaire_group

ENGLISH = {"Accept-Language": "en"}


def in_group(group) -> set[int]:
    return set(db.session.scalars(select(Enrolment.child_id).where(Enrolment.group_id == group.id)))


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("periscolaire.%"))
                                   .order_by(AuditEntry.id)))


@pytest.mark.parametrize("who", ["admin", "lead"])
def test_the_sites_page_lists_groups_kinds_counts_and_animators(life, login_as, who):
    client = login_as(life.world.admin if who == "admin" else life.lead)
    html = client.get("/periscolaire").get_data(as_text=True)
    assert "Accueil périscolaire Jules Ferry" in html
    assert "Accueil du soir" in html and "Accueil du matin" in html and "Accueil de loisirs du mercredi" in html
    assert "1 enfant" in html and "Yanis Moreau" in html and "Malik Petit" in html
    english = client.get("/periscolaire", headers=ENGLISH).get_data(as_text=True)
    assert "1 child" in english


def test_counts_say_children_and_ignore_those_who_left(life, login_as):
    other = factories.make_child(life.world.city, life.world.class_b, "Zoé", "Martin", guardians=())
    gone = factories.make_child(life.world.city, life.world.class_b, "Tom", "Martin", guardians=())
    for child in (other, gone):
        db.session.add(Enrolment(child_id=child.id, group_id=life.evening.id))
    gone.left_dt = gone.created_dt
    db.session.commit()
    html = login_as(life.lead).get("/periscolaire").get_data(as_text=True)
    assert "2 enfants" in html


@pytest.mark.parametrize("who", ["animator", "morning_animator", "teacher_a", "director", "city_agent",
                                 "parent_a", "dpo", "far_admin"])
def test_the_sites_page_is_for_the_admin_and_the_leads_only(life, login_as, who):
    user = {"animator": life.world.animator, "morning_animator": life.morning_animator,
            "far_admin": life.world.far.admin}.get(who) or getattr(life.world, who)
    client = login_as(user)
    if who != "far_admin":  # the second city's admin has a (different) sites page
        assert client.get("/periscolaire").status_code == 404
    assert client.get(f"/periscolaire/sites/{life.site.public_id}").status_code == 404
    assert client.post(f"/periscolaire/sites/{life.site.public_id}", data={"cutoff": "17:00"}).status_code == 404
    db.session.refresh(life.site)
    assert life.site.absence_cutoff is None


def test_a_second_citys_admin_sees_none_of_this_citys_sites(life, login_as):
    html = login_as(life.world.far.admin).get("/periscolaire").get_data(as_text=True)
    assert "Jules Ferry" not in html
    assert login_as(life.world.far.admin).get(f"/periscolaire/groupes/{life.evening.public_id}").status_code == 404


def test_a_lead_of_another_site_cannot_keep_this_one(life, login_as):
    other_site = Establishment(city=life.world.city, kind=EstablishmentKind.PERISCOLAIRE, name="Accueil Sud")
    db.session.add(other_site)
    db.session.flush()
    other_lead = factories.make_user(life.world.city, Role.ANIMATOR, "Eva", "Blanc")
    factories.add_membership(other_lead, other_site)
    db.session.commit()
    client = login_as(other_lead)
    assert "Jules Ferry" not in client.get("/periscolaire").get_data(as_text=True)
    assert client.get(f"/periscolaire/sites/{life.site.public_id}").status_code == 404
    assert client.get(f"/periscolaire/groupes/{life.evening.public_id}").status_code == 404


def test_the_lead_sets_the_absence_cutoff_and_it_is_audited(life, login_as):
    client = login_as(life.lead)
    url = f"/periscolaire/sites/{life.site.public_id}"
    page = client.get(url).get_data(as_text=True)
    assert "16:00" in page and "Inès Roux" in page  # the default hour, the lead
    assert client.post(url, data={"cutoff": "17h30"}).status_code == 302
    db.session.refresh(life.site)
    assert life.site.absence_cutoff == time(17, 30)
    assert 'value="17:30"' in client.get(url).get_data(as_text=True)
    client.post(url, data={"cutoff": ""})
    db.session.refresh(life.site)
    assert life.site.absence_cutoff is None
    assert actions() == ["periscolaire.cutoff", "periscolaire.cutoff"]


@pytest.mark.parametrize("typed", ["25:00", "16:75", "seize heures", "16"])
def test_a_bad_cutoff_is_explained_and_kept(life, login_as, typed):
    client = login_as(life.world.admin)
    response = client.post(f"/periscolaire/sites/{life.site.public_id}", data={"cutoff": typed}, headers=ENGLISH)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Enter a time, for example 08:30." in html
    assert f'value="{typed}"' in html and 'error-summary' in html
    db.session.refresh(life.site)
    assert life.site.absence_cutoff is None and actions() == []


def test_the_cutoff_form_needs_its_csrf_token(life, login_as):
    client = login_as(life.lead)
    response = client.post(f"/periscolaire/sites/{life.site.public_id}", data={"cutoff": "17:00"}, csrf=False)
    assert response.status_code == 400
    db.session.refresh(life.site)
    assert life.site.absence_cutoff is None


def test_the_lead_adds_pupils_of_a_class_and_removes_one(life, login_as):
    world = life.world
    client = login_as(life.lead)
    url = f"/periscolaire/groupes/{life.wednesday.public_id}"
    page = client.get(url).get_data(as_text=True)
    assert "Léo Lefèvre" in page and world.school.public_id in page
    assert world.far.school.public_id not in page  # schools of this city only
    page = client.get(url, query_string={"ecole": world.school.public_id}).get_data(as_text=True)
    assert world.class_a.public_id in page and world.class_b.public_id in page
    filters = {"ecole": world.school.public_id, "classe": world.class_a.public_id}
    page = client.get(url, query_string=filters).get_data(as_text=True)
    assert f'type="checkbox" name="child" value="{world.child_a.public_id}"' in page
    assert f'type="checkbox" name="child" value="{world.child_b.public_id}"' not in page  # already in it

    response = client.post(url, query_string=filters, data={"action": "enrol", "child": [world.child_a.public_id]})
    assert response.status_code == 302
    assert in_group(life.wednesday) == {world.child_a.id, world.child_b.id}

    response = client.post(url, data={"action": "remove", "child": world.child_b.public_id})
    assert response.status_code == 302
    assert in_group(life.wednesday) == {world.child_a.id}
    assert actions() == ["periscolaire.enrol", "periscolaire.unenrol"]


def test_enrolling_nobody_or_a_child_outside_the_class_changes_nothing(life, login_as):
    world = life.world
    client = login_as(life.world.admin)
    url = f"/periscolaire/groupes/{life.wednesday.public_id}"
    filters = {"ecole": world.school.public_id, "classe": world.class_a.public_id}
    response = client.post(url, query_string=filters, data={"action": "enrol"}, headers=ENGLISH)
    assert response.status_code == 200 and "Tick at least one child of the list." in response.get_data(as_text=True)
    for stranger in (world.other_child, world.far.child):
        response = client.post(url, query_string=filters, headers=ENGLISH,
                               data={"action": "enrol", "child": [world.child_a.public_id, stranger.public_id]})
        html = response.get_data(as_text=True)
        assert "Choose children from the list." in html and "checked" in html  # the ticks are kept
    # A class of the second city is no filter here: no child of it can be offered.
    far_filters = {"ecole": world.far.school.public_id, "classe": world.far.class_.public_id}
    client.post(url, query_string=far_filters, data={"action": "enrol", "child": [world.far.child.public_id]})
    assert in_group(life.wednesday) == {world.child_b.id} and actions() == []


def test_a_groups_animator_reads_the_list_and_changes_nothing(life, login_as):
    world = life.world
    client = login_as(world.animator)
    url = f"/periscolaire/groupes/{life.evening.public_id}"
    page = client.get(url).get_data(as_text=True)
    assert "Awa Diallo" in page and "CP A" in page and 'name="action"' not in page
    assert client.post(url, data={"action": "remove", "child": world.child_a.public_id}).status_code == 404
    assert world.child_a.id in in_group(life.evening)
    # Not another group of the site, nor the site page.
    assert client.get(f"/periscolaire/groupes/{life.morning.public_id}").status_code == 404
    assert client.get(f"/periscolaire/sites/{life.site.public_id}").status_code == 404


@pytest.mark.parametrize("who", ["teacher_a", "director", "city_agent", "parent_a", "dpo"])
def test_nobody_else_sees_a_group(life, login_as, who):
    client = login_as(getattr(life.world, who))
    assert client.get(f"/periscolaire/groupes/{life.evening.public_id}").status_code == 404
    assert client.get(f"/periscolaire/groupes/{life.world.class_a.public_id}").status_code == 404


def test_a_group_of_the_site_added_later_is_kept_by_the_lead(life, login_as):
    holidays = make_periscolaire_group(life.site, "Vacances", "holidays")
    db.session.commit()
    html = login_as(life.lead).get(f"/periscolaire/groupes/{holidays.public_id}").get_data(as_text=True)
    assert "Accueil de loisirs des vacances" in html and "Ajouter des enfants" in html
