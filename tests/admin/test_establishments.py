"""The administrator creates city services and periscolaire sites, and sets districts."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from ent_lite.audit.models import AuditEntry
from ent_lite.extensions import db
from ent_lite.school.models import Establishment, EstablishmentKind, Group, GroupKind

from tests import factories

ENGLISH = {"Accept-Language": "en"}


def establishment(name: str) -> Establishment | None:
    return db.session.scalar(select(Establishment).where(Establishment.name == name))


def test_a_service_and_a_periscolaire_site_with_a_group_are_created(world, login_as):
    client = login_as(world.admin)
    assert "/admin/establishments" in client.get("/admin/", headers=ENGLISH).get_data(as_text=True)
    response = client.post("/admin/establishments", data={"kind": "service", "name": " Service  Éducation ",
                                                          "district": ""})
    service = establishment("Service Éducation")
    assert response.headers["Location"] == f"/admin/establishments/{service.public_id}"
    assert service.kind == EstablishmentKind.SERVICE and service.district is None

    client.post("/admin/establishments", data={"kind": "periscolaire", "name": "Accueil Jaurès", "district": "Nord"})
    site = establishment("Accueil Jaurès")
    assert site.kind == EstablishmentKind.PERISCOLAIRE and site.district == "Nord"
    client.post(f"/admin/establishments/{site.public_id}/groups",
                data={"group_name": "Accueil du soir", "periscolaire_kind": "evening"})
    (group,) = db.session.scalars(select(Group).where(Group.establishment_id == site.id))
    assert group.kind == GroupKind.PERISCOLAIRE and group.school_year == factories.SCHOOL_YEAR
    assert group.periscolaire_kind == "evening"

    listing = client.get("/admin/establishments", headers=ENGLISH).get_data(as_text=True)
    assert "Service Éducation" in listing and "Accueil Jaurès" in listing and "École Jules Ferry" in listing
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("admin.%"))
                                 .order_by(AuditEntry.id)).all()
    assert actions == ["admin.establishment_create", "admin.establishment_create", "admin.group_create"]


def test_a_schools_district_is_changed_but_not_its_roster_name(world, login_as):
    client = login_as(world.admin)
    client.post(f"/admin/establishments/{world.school.public_id}", data={"name": "Renamed", "district": "Est"})
    db.session.refresh(world.school)
    assert world.school.district == "Est" and world.school.name == "École Jules Ferry"


@pytest.mark.parametrize("values, message", [
    ({"kind": "service", "name": ""}, "This field is required."),
    ({"kind": "service", "name": "ÉCOLE JULES FERRY"}, "Another establishment of the city already has this name."),
    ({"kind": "school", "name": "Nouvelle école"}, "Choose a kind from the list."),
    ({"kind": "service", "name": "Sports", "district": "x" * 101}, "At most 100 characters."),
])
def test_bad_values_are_explained_and_what_was_typed_is_kept(world, login_as, values, message):
    client = login_as(world.admin)
    before = db.session.scalars(select(Establishment.id)).all()
    response = client.post("/admin/establishments", data=values, headers=ENGLISH)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and message in html
    assert "Please correct the fields marked below." in html
    assert f'value="{values["name"]}"' in html or not values["name"]
    assert db.session.scalars(select(Establishment.id)).all() == before


@pytest.mark.parametrize("role", ["director", "teacher_a", "parent_a", "animator", "city_agent", "dpo"])
def test_only_an_administrator_keeps_the_establishments(world, login_as, role):
    client = login_as(getattr(world, role))
    assert client.get("/admin/establishments").status_code == 404
    assert client.post("/admin/establishments", data={"kind": "service", "name": "X"}).status_code == 404
    assert client.get(f"/admin/establishments/{world.school.public_id}").status_code == 404
    assert establishment("X") is None


def test_another_citys_administrator_cannot_edit_this_citys_schools(world, login_as):
    other_admin = factories.make_user(factories.make_city("Autreville"), "admin", "Otto", "Autre")
    db.session.commit()
    client = login_as(other_admin)
    assert client.get(f"/admin/establishments/{world.school.public_id}").status_code == 404
    assert client.post(f"/admin/establishments/{world.school.public_id}", data={"district": "X"}).status_code == 404
    assert "École Jules Ferry" not in client.get("/admin/establishments").get_data(as_text=True)
