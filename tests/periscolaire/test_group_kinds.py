"""An administrator gives each periscolaire group its kind; classes and teams have none."""
from __future__ import annotations

from sqlalchemy import select

from ent_lite.extensions import db
from ent_lite.school.models import Establishment, EstablishmentKind, Group

ENGLISH = {"Accept-Language": "en"}


def test_a_periscolaire_group_needs_a_kind_and_shows_it(life, login_as):
    client = login_as(life.world.admin)
    url = f"/admin/establishments/{life.site.public_id}/groups"
    refused = client.post(url, data={"group_name": "Cantine", "periscolaire_kind": ""}, headers=ENGLISH)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 200 and "Choose when the group looks after the children." in html
    assert 'value="Cantine"' in html  # what was typed is kept
    refused = client.post(url, data={"group_name": "Cantine", "periscolaire_kind": "brunch"}, headers=ENGLISH)
    assert "Choose when the group looks after the children." in refused.get_data(as_text=True)
    assert db.session.scalar(select(Group).where(Group.name == "Cantine")) is None

    assert client.post(url, data={"group_name": "Cantine", "periscolaire_kind": "lunch"}).status_code == 302
    group = db.session.scalar(select(Group).where(Group.name == "Cantine"))
    assert group.periscolaire_kind == "lunch"
    page = client.get(f"/admin/establishments/{life.site.public_id}").get_data(as_text=True)
    assert "Cantine · Pause méridienne" in page and "Soir · Accueil du soir" in page


def test_a_service_team_gets_no_kind(life, login_as):
    client = login_as(life.world.admin)
    client.post(f"/admin/establishments/{life.service.public_id}/groups",
                data={"group_name": "Accueil", "periscolaire_kind": "lunch"})
    team = db.session.scalar(select(Group).where(Group.establishment_id == life.service.id))
    assert team.name == "Accueil" and team.periscolaire_kind is None


def test_a_new_site_asks_for_the_kind_and_a_service_does_not(life, login_as):
    client = login_as(life.world.admin)
    assert 'name="periscolaire_kind"' in client.get(f"/admin/establishments/{life.site.public_id}").get_data(as_text=True)
    service = db.session.scalar(select(Establishment).where(Establishment.kind == EstablishmentKind.SERVICE,
                                                            Establishment.city_id == life.world.city.id))
    assert 'name="periscolaire_kind"' not in client.get(f"/admin/establishments/{service.public_id}").get_data(as_text=True)
