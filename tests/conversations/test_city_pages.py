"""Issue 12 §5 through the pages: a family writes to a city service, every agent of the service
reads and answers in a shared inbox, the family sees who answered; everyone else gets 404."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from ent_lite.accounts.models import Role
from ent_lite.conversations.models import Thread
from ent_lite.extensions import db
from ent_lite.school.models import Establishment, EstablishmentKind
from tests import factories
from tests.conversations.helpers import make_post


def service_token(service) -> str:
    return f"service.{service.public_id}"


def write(client, service, url="/messages/new", **fields):
    return client.post(url, data={"subject": "Cantine", "body": "Bonjour, une question sur la cantine.",
                                  "recipient": service_token(service), **fields})


def thread_count() -> int:
    return db.session.scalar(select(func.count(Thread.id)))


@pytest.fixture
def service_thread(life, login_as, english):
    """parent_a writes to Service Enfance (about no child) through the start page."""
    login_as(life.world.parent_a)
    response = write(english, life.service)
    assert response.status_code == 302
    return db.session.scalar(select(Thread))


def test_the_start_page_lists_the_city_services_after_the_school_contacts(life, login_as, english):
    login_as(life.world.parent_a)
    page = english.get("/messages/new").get_data(as_text=True)
    assert "City services" in page and "Service Enfance" in page
    assert page.index("The whole team of CP A") < page.index("Service Enfance")
    assert "Service Jeunesse" not in page  # the other city's service
    assert "Not about a particular child" in page and ">Awa<" in page and "Léo" not in page


def test_many_services_are_folded_in_details(life, login_as, english):
    for name in ("Service des Sports", "Service Culture", "Service Jeunesse locale"):
        service = Establishment(city=life.world.city, kind=EstablishmentKind.SERVICE, name=name)
        db.session.add(service)
        db.session.flush()
        factories.add_membership(factories.make_user(life.world.city, Role.CITY_AGENT), service)
    db.session.commit()
    login_as(life.world.parent_a)
    page = english.get("/messages/new").get_data(as_text=True)
    assert "<summary>City services</summary>" in page


def test_the_shared_inbox_agent2_reads_and_answers_and_the_family_sees_who(life, login_as, english, service_thread):
    world = life.world
    assert service_thread.guardian_id == world.parent_a.id and service_thread.child_id is None
    assert service_thread.establishment_id == life.service.id
    login_as(life.agent2)
    inbox = english.get("/messages").get_data(as_text=True)
    assert "City service: Service Enfance" in inbox and "Written by Fatou Diallo" in inbox
    assert "1 new message" in inbox
    page = english.get(f"/messages/{service_thread.public_id}").get_data(as_text=True)
    assert "Bonjour, une question sur la cantine." in page and "Close the conversation" in page
    response = english.post(f"/messages/{service_thread.public_id}/reply", data={"body": "Voici le formulaire."})
    assert response.status_code == 302
    login_as(world.parent_a)
    page = english.get(f"/messages/{service_thread.public_id}").get_data(as_text=True)
    assert "Yanis Morel, Service Enfance" in page and "Voici le formulaire." in page
    assert "City service: Service Enfance" in page and "Between colleagues" not in page
    assert "Close the conversation" not in page
    inbox = english.get("/messages").get_data(as_text=True)
    assert "City service: Service Enfance" in inbox and "Written by" not in inbox


def test_nobody_else_reaches_the_service_thread(life, login_as, client, service_thread):
    world = life.world
    sport = Establishment(city=world.city, kind=EstablishmentKind.SERVICE, name="Service des Sports")
    db.session.add(sport)
    db.session.flush()
    sport_agent = factories.make_user(world.city, Role.CITY_AGENT, "Hugo", "Blanc")
    factories.add_membership(sport_agent, sport)
    db.session.commit()
    url = f"/messages/{service_thread.public_id}"
    for outsider in (sport_agent, world.teacher_a, world.director, life.lead, world.parent_a2, world.parent_b,
                     world.far.city_agent, world.far.parent):
        login_as(outsider)
        assert client.get(url).status_code == 404, outsider.role
        assert client.post(f"{url}/reply", data={"body": "Intrus"}).status_code == 404
        assert client.post(f"{url}/close").status_code == 404
    for outsider in (world.admin, world.dpo):
        login_as(outsider)
        assert client.get(url).status_code == 404
    assert len(service_thread.messages) == 1 and service_thread.closed_dt is None


def test_a_thread_about_a_child_is_read_by_both_guardians(life, login_as, english):
    world = life.world
    login_as(world.parent_a)
    write(english, life.service, about=world.child_a.public_id)
    thread = db.session.scalar(select(Thread))
    assert thread.child_id == world.child_a.id and thread.guardian_id == world.parent_a.id
    login_as(world.parent_a2)
    page = english.get(f"/messages/{thread.public_id}").get_data(as_text=True)
    assert "About Awa" in page and "Bonjour, une question sur la cantine." in page
    login_as(world.parent_b)
    assert english.get(f"/messages/{thread.public_id}").status_code == 404


@pytest.mark.parametrize("forged", [
    {"recipient": "service.unknown"},
    {"about": "not-a-child"},
])
def test_forged_choices_are_refused_with_nothing_written(life, login_as, english, forged):
    login_as(life.world.parent_a)
    response = write(english, life.service, **forged)
    assert response.status_code == 200 and "Choose among" in response.get_data(as_text=True)
    assert "Bonjour, une question sur la cantine." in response.get_data(as_text=True)  # what was typed stays
    assert thread_count() == 0


def test_another_familys_child_or_another_citys_service_is_refused(life, login_as, english):
    world = life.world
    login_as(world.parent_a)
    assert write(english, life.service, about=world.child_b.public_id).status_code == 200
    assert write(english, world.far.service).status_code == 200
    assert thread_count() == 0


def test_starting_without_a_csrf_token_is_refused(life, login_as, client):
    login_as(life.world.parent_a)
    response = client.post("/messages/new", csrf=False, data={
        "subject": "Cantine", "body": "Bonjour", "recipient": service_token(life.service)})
    assert response.status_code == 400 and thread_count() == 0


def test_a_guardian_replies_to_a_city_post_that_allows_replies(life, login_as, english):
    world = life.world
    post = make_post(world.city_agent, world.class_a, title="Inscriptions à la cantine", establishment=life.service)
    login_as(world.parent_a)
    detail = english.get(f"/news/{post.public_id}").get_data(as_text=True)
    assert f"/messages/new?post={post.public_id}" in detail
    page = english.get(f"/messages/new?post={post.public_id}").get_data(as_text=True)
    assert "Your message goes to Service Enfance" in page and "Inscriptions à la cantine" in page
    response = write(english, life.service, url=f"/messages/new?post={post.public_id}")
    assert response.status_code == 302
    thread = db.session.scalar(select(Thread))
    assert thread.post_id == post.id and thread.establishment_id == life.service.id
    login_as(world.city_agent)
    assert "Started from the post" in english.get(f"/messages/{thread.public_id}").get_data(as_text=True)


def test_no_reply_to_a_city_post_that_disallows_replies(life, login_as, english):
    world = life.world
    post = make_post(world.city_agent, world.class_a, establishment=life.service, replies_allowed=False)
    login_as(world.parent_a)
    assert f"/messages/new?post={post.public_id}" not in english.get(f"/news/{post.public_id}").get_data(as_text=True)
    assert english.get(f"/messages/new?post={post.public_id}").status_code == 404
    assert write(english, life.service, url=f"/messages/new?post={post.public_id}").status_code == 404
    assert thread_count() == 0


def test_a_city_post_reply_is_for_its_readers_only(life, login_as, client):
    world = life.world
    post = make_post(world.city_agent, world.class_a, establishment=life.service)
    for name in ("parent_b", "far_parent"):
        login_as(world.far.parent if name == "far_parent" else world.parent_b)
        assert client.get(f"/messages/new?post={post.public_id}").status_code == 404
