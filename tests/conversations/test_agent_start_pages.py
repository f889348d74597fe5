"""A city agent writes to a family through the pages: "Write to the family" per child on the
follow-up (the registrations list) of their service's activity, the start form prefilled with the child, a service thread the family
and every agent of the service read; everyone and everything else gets 404 and writes nothing."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from ent_lite import rules
from ent_lite.activities.models import RegistrationStatus
from ent_lite.conversations.models import Message, Thread
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.school.models import Establishment, EstablishmentKind
from tests import factories
from tests.activities.factories import make_activity
from tests.activities.privacy_rows import enrol
from tests.conversations.agent_start_helpers import activity_world, judo_with_awa, other_service_agent

MESSAGE = {"subject": "Certificat médical", "body": "Bonjour, il manque le certificat de judo."}


def start_url(child) -> str:
    return f"/messages/new?child={child.public_id}"


def follow_up_url(activity) -> str:
    return f"/activites/{activity.public_id}/suivi"


def counts() -> tuple[int, int]:
    return db.session.scalar(select(func.count(Thread.id))), db.session.scalar(select(func.count(Message.id)))


def write(client, child, **fields):
    return client.post(start_url(child), data={**MESSAGE, **fields})


@pytest.fixture
def judo(life):
    return judo_with_awa(life)


def test_the_follow_up_links_each_child_to_the_start_form_and_the_form_names_the_family(
        life, judo, login_as, english):
    world = life.world
    enrol(judo, world.child_b, world.parent_b, utcnow(), status=RegistrationStatus.WAITING)
    db.session.commit()
    login_as(world.city_agent)
    follow_up = english.get(follow_up_url(judo)).get_data(as_text=True)
    for child in (world.child_a, world.child_b):  # a place or the waiting list: both are families of the activity
        assert f'href="{start_url(child)}"' in follow_up
    assert "Write to the family" in follow_up
    page = english.get(start_url(world.child_a)).get_data(as_text=True)
    assert "Your message goes to the family of Awa: Fatou Diallo and Moussa Diallo." in page
    assert "Sent from the shared inbox of Service Enfance." in page
    assert "Léo" not in page and "Lefèvre" not in page


def test_an_animators_follow_up_offers_no_link(life, login_as, english):
    world = life.world
    activity = make_activity(activity_world(life), title="Poterie", establishment=life.site)
    enrol(activity, world.child_b, world.parent_b, utcnow())
    db.session.commit()
    login_as(world.animator)
    follow_up = english.get(follow_up_url(activity)).get_data(as_text=True)
    assert "Léo" in follow_up and "Write to the family" not in follow_up


def test_an_activity_ended_long_ago_offers_no_link(life, login_as, english):
    long_ago = utcnow() - rules.AGENT_CONTACT_WINDOW - timedelta(days=1)
    activity = judo_with_awa(life, now=long_ago)
    activity.last_session_dt = long_ago
    db.session.commit()
    login_as(life.world.city_agent)
    follow_up = english.get(follow_up_url(activity)).get_data(as_text=True)
    assert "Awa" in follow_up and "Write to the family" not in follow_up
    assert english.get(start_url(life.world.child_a)).status_code == 404


def test_the_family_reads_the_service_and_who_wrote_and_agent2_shares_the_inbox(life, judo, login_as, english):
    world = life.world
    login_as(world.city_agent)
    response = write(english, world.child_a)
    assert response.status_code == 302
    thread = db.session.scalar(select(Thread))
    assert response.headers["Location"].endswith(f"/messages/{thread.public_id}")
    assert (thread.establishment_id, thread.child_id, thread.guardian_id) == (life.service.id, world.child_a.id, None)
    for parent, unread in ((world.parent_a, "1 new message"), (world.parent_a2, "2 new messages")):
        login_as(parent)
        inbox = english.get("/messages").get_data(as_text=True)
        assert "Certificat médical" in inbox and unread in inbox
        assert "City service: Service Enfance" in inbox and "About Awa" in inbox
        page = english.get(f"/messages/{thread.public_id}").get_data(as_text=True)
        assert "Louis Fournier, Service Enfance" in page and "il manque le certificat de judo" in page
        assert "Close the conversation" not in page
        assert english.post(f"/messages/{thread.public_id}/reply", data={"body": "Je l’apporte demain."}).status_code == 302
    login_as(life.agent2)
    inbox = english.get("/messages").get_data(as_text=True)
    assert "Certificat médical" in inbox and "3 new messages" in inbox
    page = english.get(f"/messages/{thread.public_id}").get_data(as_text=True)
    assert "Je l’apporte demain." in page and "Close the conversation" in page


def test_outsiders_do_not_read_the_thread(life, judo, login_as, english):
    world = life.world
    login_as(world.city_agent)
    write(english, world.child_a)
    thread = db.session.scalar(select(Thread))
    for outsider in (world.parent_b, world.teacher_a, world.animator, world.far.city_agent):
        login_as(outsider)
        assert english.get(f"/messages/{thread.public_id}").status_code == 404


@pytest.mark.parametrize("who, whom", [
    ("other_service", "child_a"),     # an agent of another service of the city
    ("far_agent", "child_a"),         # the second city's agent
    ("far_agent", "far_child"),       # their own city's child, registered to nothing
    ("city_agent", "child_b"),        # a child without a relationship with the service
    ("city_agent", "forged"),         # a made-up child id
    ("city_agent", "too_long"),
])
def test_refusals_are_404_and_write_nothing(life, judo, login_as, client, who, whom):
    world = life.world
    agent = {"other_service": other_service_agent(life)[0] if who == "other_service" else None,
             "far_agent": world.far.city_agent, "city_agent": world.city_agent}[who]
    child_ref = {"child_a": world.child_a.public_id, "far_child": world.far.child.public_id,
                 "child_b": world.child_b.public_id, "forged": "A" * 22, "too_long": "A" * 400}[whom]
    login_as(agent)
    url = f"/messages/new?child={child_ref}"
    assert client.get(url).status_code == 404
    assert client.post(url, data=MESSAGE).status_code == 404
    assert counts() == (0, 0)


def test_a_forged_service_is_refused_with_a_message_and_nothing_written(life, judo, login_as, english):
    login_as(life.world.city_agent)
    response = write(english, life.world.child_a, service=life.world.far.service.public_id)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Choose among the services listed." in page
    assert "il manque le certificat de judo" in page  # what was typed is kept
    assert counts() == (0, 0)


def test_a_missing_subject_keeps_the_message_and_writes_nothing(life, judo, login_as, english):
    login_as(life.world.city_agent)
    response = write(english, life.world.child_a, subject="")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Give the conversation a subject." in page and "error-summary" in page
    assert "il manque le certificat de judo" in page
    assert counts() == (0, 0)


def test_a_post_without_csrf_token_is_refused(life, judo, login_as, client):
    login_as(life.world.city_agent)
    assert client.post(start_url(life.world.child_a), data=MESSAGE, csrf=False).status_code == 400
    assert counts() == (0, 0)


def test_an_agent_of_two_related_services_chooses_one(life, judo, login_as, english):
    world = life.world
    sports = Establishment(city=world.city, kind=EstablishmentKind.SERVICE, name="Service des sports")
    db.session.add(sports)
    db.session.flush()
    factories.add_membership(world.city_agent, sports)
    swim = make_activity(activity_world(life), title="Natation", establishment=sports)
    enrol(swim, world.child_a, world.parent_a, utcnow())
    db.session.commit()
    login_as(world.city_agent)
    page = english.get(start_url(world.child_a)).get_data(as_text=True)
    assert "Write from" in page and "Service des sports" in page and "Service Enfance" in page
    assert "Choose the service you write from." in write(english, world.child_a).get_data(as_text=True)
    assert counts() == (0, 0)
    assert write(english, world.child_a, service=sports.public_id).status_code == 302
    assert db.session.scalar(select(Thread.establishment_id)) == sports.id


def test_teachers_keep_their_own_start_form(life, judo, login_as, english):
    login_as(life.world.teacher_a)
    page = english.get(start_url(life.world.child_a)).get_data(as_text=True)
    assert "Choose a pupil" in page and "Your message goes to the family" not in page


def test_the_start_page_in_french(life, judo, login_as, client):
    login_as(life.world.city_agent)
    page = client.get(start_url(life.world.child_a), headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Votre message au sujet de l’enfant Awa va à sa famille\u00a0: Fatou Diallo et Moussa Diallo." in page
    follow_up = client.get(follow_up_url(judo), headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Écrire à la famille" in follow_up
