"""Two cities share the database: nothing of one reaches or is listed for the other.

The test world has a second city (``world.far``) whose school has the same district name
("Nord") and a class of the same level (CP) as the first city's, so only the city filter
keeps city-wide audiences apart.
"""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from ent_lite import rules
from ent_lite.accounts import invitations
from ent_lite.admin.services import overview
from ent_lite.audience import keys
from ent_lite.consents import services as consents
from ent_lite.core.db_types import utcnow
from ent_lite.dpo import services as dpo
from ent_lite.extensions import db
from ent_lite.notifications.models import EmailProblem
from ent_lite.posts import services
from ent_lite.posts.models import Post
from ent_lite.school.models import Child, Establishment, RosterReview
from ent_lite.school.services import current_school_year

from tests import factories
from tests.school.conftest import HEADER
from tests.posts.helpers import add_city_service

CITY_WIDE = [keys.ALL_KEY, keys.district_key("Nord"), keys.level_key("CP")]


def first_city_guardians(world):
    return [world.parent_a, world.parent_a2, world.parent_b, world.other_parent]


@pytest.mark.parametrize("key", CITY_WIDE, ids=["all", "district", "level"])
def test_a_city_wide_post_never_reaches_the_other_citys_families(world, login_as, key):
    add_city_service(world)
    ours = services.create_post(world.city_agent, "Fête de la ville", "Samedi.", [key], utcnow())
    theirs = services.create_post(world.far.city_agent, "Far news", "Dimanche.", [key], utcnow())
    db.session.commit()
    assert rules.can_read_post(world.parent_a, ours) and not rules.can_read_post(world.parent_a, theirs)
    assert rules.can_read_post(world.far.parent, theirs) and not rules.can_read_post(world.far.parent, ours)
    client = login_as(world.far.parent)
    assert client.get(f"/news/{ours.public_id}").status_code == 404
    feed = client.get("/news").get_data(as_text=True)
    assert "Far news" in feed and "Fête de la ville" not in feed


def test_the_figures_of_a_city_wide_post_count_its_city_only(world):
    add_city_service(world)
    ours = services.create_post(world.city_agent, "Fête", "Samedi.", [keys.ALL_KEY], utcnow())
    theirs = services.create_post(world.far.city_agent, "Far", "Dimanche.", [keys.ALL_KEY], utcnow())
    db.session.commit()
    assert services.read_stats(ours)[:2] == (0, 3) and services.read_stats(theirs)[:2] == (0, 1)
    our_targets = [t for t in rules.postable_targets(world.city_agent) if t.key == keys.ALL_KEY]
    their_targets = [t for t in rules.postable_targets(world.far.city_agent) if t.key == keys.ALL_KEY]
    assert services.count_reached_children(our_targets) == 3
    assert services.count_reached_children(their_targets) == 1
    assert services.count_households(their_targets) == 1


def test_a_city_agent_is_offered_the_schools_of_their_city_only(world):
    add_city_service(world)
    schools = {t.value for t in rules.postable_targets(world.far.city_agent) if t.kind == keys.ESTABLISHMENT}
    assert schools == {str(world.far.school.id)}
    assert not any(t.establishment_id == world.far.school.id for t in rules.postable_targets(world.city_agent))


def test_optional_information_follows_the_city_too(world):
    add_city_service(world)
    now = utcnow() - timedelta(minutes=1)
    consents.set_consent(world.parent_a, consents.CITY_INFORMATION, True, now)
    consents.set_consent(world.far.parent, consents.CITY_INFORMATION, True, now)
    post = services.create_post(world.far.city_agent, "Judo", "Stage.", [keys.ALL_KEY], utcnow(),
                                services.PostOptions(optional_info=True))
    db.session.commit()
    assert rules.can_read_post(world.far.parent, post) and not rules.can_read_post(world.parent_a, post)


def test_consent_figures_are_the_dpos_city_only(world, login_as, english):
    stats = dpo.consent_statistics(utcnow(), world.city.id)
    assert "École Victor Hugo" not in [row.name for row in stats.rows]
    assert len(stats.city.children) == 3 and world.far.child.id not in stats.city.children
    page = login_as(world.far.dpo, target=english).get("/dpo/consents").get_data(as_text=True)
    assert "École Victor Hugo" in page and "Jules Ferry" not in page


def test_the_dpo_queue_holds_the_requests_of_their_city(world, login_as, english):
    ours = dpo.create_request(world.parent_a, "other", "Une question.", utcnow())
    theirs = dpo.create_request(world.far.parent, "other", "Une autre question.", utcnow())
    db.session.commit()
    assert dpo.open_requests(world.dpo) == [ours] and dpo.open_requests(world.far.dpo) == [theirs]
    client = login_as(world.dpo, target=english)
    workspace = client.get("/dpo").get_data(as_text=True)
    assert ours.public_id in workspace and theirs.public_id not in workspace
    assert client.get(f"/dpo/requests/{theirs.public_id}").status_code == 404
    assert client.get(f"/dpo/requests/{ours.public_id}").status_code == 200
    dpo.close_request(ours, "done", "Fait.", world.dpo, utcnow())
    db.session.commit()
    assert dpo.closed_requests(world.far.dpo, 1) == ([], False)


def test_the_admin_figures_and_staff_lists_are_their_citys(world):
    year = current_school_year(utcnow())
    # A namesake held for review in this city is not counted in the other city's figures.
    db.session.add(RosterReview(city_id=world.city.id, child_id=world.child_a.id, rank=2, last_name="Diallo",
                                first_name="Fatou", school_year=year))
    # And a refused address here is not one there.
    db.session.add(EmailProblem(user_id=world.parent_a.id, address=world.parent_a.email, smtp_code=550))
    db.session.commit()
    assert overview(year, world.city.id)["guardians_held"] == 1
    assert overview(year, world.city.id)["children"] == 3
    assert overview(year, world.city.id)["email_problems"] == 1
    assert overview(year, world.far.city.id) == {"schools": 1, "classes": 1, "children": 1, "guardians": 1,
                                                 "guardians_active": 1, "guardians_held": 0, "email_problems": 0}
    newcomer = factories.make_user(world.city, "teacher", activated=False)
    db.session.commit()
    assert newcomer in invitations.pending_invitations(world.admin)
    assert newcomer not in invitations.pending_invitations(world.far.admin)
    scope = invitations.invite_scope(world.far.admin)
    assert {e.city_id for e in scope.establishments} == {world.far.city.id}
    far_staff = {person.id for _place, people in rules.colleagues_of(world.far.teacher) for person in people}
    assert far_staff == {world.far.director.id}
    assert db.session.scalar(select(Post.id)) is None


def test_an_administrator_imports_a_roster_into_their_own_city(world, login_as):
    """Pupils, guardians and held namesakes land in the importing administrator's city."""
    roster = "\r\n".join([
        HEADER,
        "École Victor Hugo;CP;CP;Girard;Inès;04/05/2019;Girard;Nora;mère;oui;;;;;;;;",
        "École Victor Hugo;CP;CP;Roux;Lou;12/01/2019;Roux;Sophie;mère;oui;;;;;;;;",
        "École Victor Hugo;CP;CP;Blanc;Jade;12/01/2019;Roux;Sophie;mère;oui;;;;;;;;",
    ]) + "\r\n"
    client = login_as(world.far.admin)
    form = {"school_year": current_school_year(utcnow()), "roster": (io.BytesIO(roster.encode()), "ville.csv")}
    assert client.post("/admin/roster", data=form, content_type="multipart/form-data").status_code in (200, 302)
    lou = db.session.scalar(select(Child).where(Child.first_name == "Lou"))
    assert lou.city_id == world.far.city.id
    assert {review.city_id for review in db.session.scalars(select(RosterReview))} == {world.far.city.id}
    assert db.session.scalar(select(Establishment).where(Establishment.name == "École Victor Hugo",
                                                         Establishment.city_id == world.city.id)) is None
