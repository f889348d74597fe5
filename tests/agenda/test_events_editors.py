"""Editing an event someone else sent: the editor's reach may differ from the author's. What the
editor cannot choose stays on the event; the editor adds nothing outside their own audiences."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from ent_lite.accounts.models import Role
from ent_lite.agenda.events import update_event
from ent_lite.agenda.models import Event, EventAudience
from ent_lite.audience import keys
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.rules import can_manage_event
from ent_lite.school.models import Establishment, EstablishmentKind, Group
from tests.agenda.calendar_rows import make_event
from tests.agenda.event_factories import DAY, details
from tests.factories import add_membership, make_user


def _last_years_class(world) -> Group:
    group = Group(establishment=world.school, name="CP A", school_year="2000-2001", levels="CP")
    db.session.add(group)
    db.session.flush()
    return group


@pytest.fixture
def sent(world):
    """The director's weekly reading workshop, sent before the new school year to this year's
    CP A and to last year's CP A (which no director can choose any more), and a colleague
    director of the same school who edits it."""
    old_class = _last_years_class(world)
    event = make_event(world.school, world.director, keys.group_key(world.class_a.id),
                       keys.group_key(old_class.id), title="Atelier lecture", day=DAY)
    colleague = make_user(world.city, Role.DIRECTOR, "Marc", "Colin")
    add_membership(colleague, world.school)
    db.session.commit()
    return event, colleague, keys.group_key(old_class.id)


def audience(event) -> set:
    return set(db.session.execute(select(EventAudience.kind, EventAudience.value)
                                  .where(EventAudience.event_id == event.id)).all())


def form(world, **overrides):
    values = {"category": "meeting", "title": "Atelier lecture", "start_date": DAY.isoformat(),
              "place": "Bibliothèque", "targets": [f"group:{world.class_a.public_id}"]}
    return {**values, **overrides}


def test_an_editor_keeps_the_audiences_they_cannot_choose(world, sent, login_as, client, english):
    event, colleague, old_key = sent
    login_as(colleague)
    page = client.get(f"/agenda/evenements/{event.public_id}/modifier").get_data(as_text=True)
    assert "The event also goes to 1 audience you cannot choose: it stays as it is." in page
    response = client.post(f"/agenda/evenements/{event.public_id}/modifier", data=form(world))
    assert response.status_code == 302
    assert audience(event) == {keys.group_key(world.class_a.id), old_key}
    # Changing the audience they do see keeps the other one too.
    client.post(f"/agenda/evenements/{event.public_id}/modifier",
                data=form(world, targets=[f"group:{world.class_b.public_id}"]))
    assert audience(event) == {keys.group_key(world.class_b.id), old_key}
    # Unticking all they see leaves the event to the audience they cannot choose.
    client.post(f"/agenda/evenements/{event.public_id}/modifier", data=form(world, targets=[]))
    assert audience(event) == {old_key}
    db.session.refresh(event)
    assert event.establishment_id == world.school.id and event.place == "Bibliothèque"


def test_an_editor_adds_no_audience_beyond_their_own(world, sent, login_as, client, english):
    event, colleague, old_key = sent
    before = audience(event)
    login_as(colleague)
    for token in (f"group:{world.other_class.public_id}", f"establishment:{world.other_school.public_id}",
                  "all:*", f"establishment:{world.far.school.public_id}"):
        response = client.post(f"/agenda/evenements/{event.public_id}/modifier",
                               data=form(world, targets=[f"group:{world.class_a.public_id}", token]))
        assert response.status_code == 200, token
        assert "Choose among the audiences listed." in response.get_data(as_text=True)
        assert audience(event) == before
    with pytest.raises(PermissionError):
        update_event(event, details(title="Atelier lecture", start_date=DAY),
                     [keys.group_key(world.class_a.id), keys.group_key(world.other_class.id)], utcnow(),
                     actor=colleague)
    db.session.rollback()
    assert audience(event) == before


def test_an_editor_of_two_schools_cannot_move_the_event_away_from_what_stays(world, sent, login_as, client,
                                                                            english):
    event, colleague, old_key = sent
    add_membership(colleague, world.other_school)  # now also runs the other school
    db.session.commit()
    before = audience(event)
    login_as(colleague)
    response = client.post(f"/agenda/evenements/{event.public_id}/modifier",
                           data=form(world, targets=[f"group:{world.other_class.public_id}"]))
    assert response.status_code == 200
    assert "Choose audiences of one establishment at a time." in response.get_data(as_text=True)
    assert audience(event) == before
    with pytest.raises(ValueError):
        update_event(event, details(title="Atelier lecture", start_date=DAY),
                     [keys.group_key(world.other_class.id)], utcnow(), actor=colleague)
    db.session.rollback()
    assert audience(event) == before and db.session.get(Event, event.id).establishment_id == world.school.id


def test_an_agent_of_two_services_editing_the_second_ones_event_keeps_it_there(life):
    """City-wide audiences are offered from the agent's first service: saving a typo fix must
    not move the event to it, or the second service's colleagues could no longer manage it."""
    world = life.world
    sports = Establishment(city=world.city, kind=EstablishmentKind.SERVICE, name="Service des sports")
    db.session.add(sports)
    db.session.flush()
    colleague = make_user(world.city, Role.CITY_AGENT, "Rémi", "Blanc")
    add_membership(colleague, sports)
    add_membership(world.city_agent, sports)  # and in their first service, life.service
    event = make_event(sports, colleague, keys.ALL_KEY, title="Tournoi de foot", day=DAY)
    db.session.commit()
    update_event(event, details(title="Tournoi de football"), [keys.ALL_KEY], utcnow(), actor=world.city_agent)
    db.session.commit()
    assert (event.title, event.establishment_id) == ("Tournoi de football", sports.id)
    assert can_manage_event(colleague, event)
