"""Standalone events through their pages: writing one, errors that keep what was typed,
changes that raise the sequence, cancelling that keeps the row, the list of my events."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from ent_lite.agenda.models import Event
from ent_lite.audit.models import AuditEntry
from ent_lite.extensions import db
from tests.agenda.event_factories import DAY, city_event, school_event, today


def form(world, **overrides):
    values = {"category": "meeting", "title": "Réunion de rentrée", "start_date": DAY.isoformat(),
              "start_time": "16:30", "place": "Salle polyvalente",
              "targets": [f"establishment:{world.school.public_id}"]}
    return {**values, **overrides}


def events() -> list[Event]:
    return list(db.session.scalars(select(Event)))


def test_a_director_adds_an_event_families_then_read(world, login_as, client):
    login_as(world.director)
    page = client.get("/agenda/evenements/nouveau").get_data(as_text=True)
    assert "Fermeture" in page and "Grève" in page and "Réunion" in page
    assert 'name="is_public"' not in page  # only city services publish to the public calendar
    response = client.post("/agenda/evenements/nouveau", data=form(world))
    (event,) = events()
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/agenda/evenements/{event.public_id}")
    assert (event.sequence, event.cancelled_dt, event.establishment_id) == (0, None, world.school.id)
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.target_ref == f"event:{event.public_id}")) \
        == "event.create"
    login_as(world.parent_b)
    page = client.get(f"/agenda/evenements/{event.public_id}").get_data(as_text=True)
    assert "Réunion de rentrée" in page and "Salle polyvalente" in page and "École Jules Ferry" in page
    assert "16\u00a0h\u00a030" in page
    assert f'href="/agenda/evenements/{event.public_id}.ics"' in page and "Ajouter à mon agenda" in page


def test_an_event_page_is_404_to_whoever_may_not_see_it(world, login_as, client):
    event = school_event(world)
    for user in (world.other_parent, world.far.parent, world.admin, world.dpo, world.far.director):
        login_as(user)
        assert client.get(f"/agenda/evenements/{event.public_id}").status_code == 404, user.first_name
    login_as(world.parent_a)
    assert client.get("/agenda/evenements/" + "x" * 300).status_code == 404


def test_schedule_errors_sit_next_to_their_fields_and_nothing_is_lost(world, login_as, client, english):
    login_as(world.director)
    cases = [
        ({"end_date": (DAY - timedelta(days=1)).isoformat()}, "end_date", "The end must come after the start."),
        ({"end_time": "15:00"}, "end_time", "The end must come after the start."),
        ({"start_time": "", "end_time": "18:00"}, "end_time", "Give a start time before an end time."),
        ({"weekly_until": (DAY - timedelta(days=7)).isoformat()}, "weekly_until",
         "The last repeat must come after the first day."),
        ({"start_date": "0026-12-09"}, "start_date", "Choose a date within 5 years of today."),
        ({"start_date": "demain"}, "start_date", "Enter the date as day, month and year"),
        ({"title": " "}, "title", "Give the event a title."),
        ({"targets": []}, "targets", "Choose at least one audience."),
        ({"targets": [f"establishment:{world.other_school.public_id}"]}, "targets",
         "Choose among the audiences listed."),
    ]
    for change, name, message in cases:
        response = client.post("/agenda/evenements/nouveau", data=form(world, place="Préau couvert", **change))
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and message in page, (change, page[:3000])
        assert f'id="{name}-error"' in page and 'class="flash flash-error error-summary"' in page
        assert 'value="Préau couvert"' in page
    assert events() == []


def test_only_a_city_agent_makes_an_event_public_and_only_for_all_families(world, login_as, client, english):
    from tests.posts.helpers import add_city_service

    add_city_service(world)
    login_as(world.director)
    client.post("/agenda/evenements/nouveau", data=form(world, is_public="y"))
    assert [e.is_public for e in events()] == [False]  # the field is not theirs: ignored
    login_as(world.city_agent)
    refused = client.post("/agenda/evenements/nouveau", data=form(world, is_public="y"))
    assert refused.status_code == 200 and "Only the city&#39;s services put an event in the public calendar" in \
        refused.get_data(as_text=True)
    client.post("/agenda/evenements/nouveau", data=form(world, is_public="y", targets=["all:*"]))
    assert sorted(e.is_public for e in events()) == [False, True]


def test_every_change_raises_the_sequence_and_nothing_changed_keeps_it(world, login_as, client):
    event = school_event(world)
    login_as(world.director)
    page = client.get(f"/agenda/evenements/{event.public_id}/modifier").get_data(as_text=True)
    assert 'value="Réunion de rentrée"' in page
    client.post(f"/agenda/evenements/{event.public_id}/modifier", data=form(world, place="Gymnase"))
    db.session.refresh(event)
    assert (event.place, event.sequence) == ("Gymnase", 1)
    client.post(f"/agenda/evenements/{event.public_id}/modifier", data=form(world, place="Gymnase"))
    db.session.refresh(event)
    assert event.sequence == 1
    client.post(f"/agenda/evenements/{event.public_id}/modifier",
                data=form(world, place="Gymnase", targets=[f"group:{world.class_a.public_id}"]))
    db.session.refresh(event)
    assert event.sequence == 2 and [(a.kind, a.value) for a in event.audience] == [("group", str(world.class_a.id))]


def test_cancelling_keeps_the_event_marked_cancelled_and_ends_its_changes(world, login_as, client):
    event = school_event(world)
    login_as(world.director)
    assert client.post(f"/agenda/evenements/{event.public_id}/annuler").status_code == 302
    db.session.refresh(event)
    assert event.cancelled_dt is not None and event.sequence == 1
    assert client.get(f"/agenda/evenements/{event.public_id}/modifier").status_code == 404
    assert client.post(f"/agenda/evenements/{event.public_id}/annuler").status_code == 404
    login_as(world.parent_a)
    page = client.get(f"/agenda/evenements/{event.public_id}").get_data(as_text=True)
    assert "Annulé" in page and "<s>" in page


def test_cancelling_needs_the_csrf_token(world, login_as, client):
    event = school_event(world)
    login_as(world.director)
    assert client.post(f"/agenda/evenements/{event.public_id}/annuler", csrf=False).status_code == 400
    db.session.refresh(event)
    assert event.cancelled_dt is None


def test_nobody_else_changes_or_cancels_an_event(world, login_as, client):
    event = school_event(world)
    for user in (world.teacher_a, world.parent_a, world.far.director, world.admin):
        login_as(user)
        assert client.get(f"/agenda/evenements/{event.public_id}/modifier").status_code == 404
        assert client.post(f"/agenda/evenements/{event.public_id}/modifier", data=form(world)).status_code == 404
        assert client.post(f"/agenda/evenements/{event.public_id}/annuler").status_code == 404
    db.session.refresh(event)
    assert (event.sequence, event.cancelled_dt) == (0, None)


def test_my_events_list_shows_coming_and_past_events_of_my_service(life, login_as, client, english):
    world = life.world
    city_event(world, title="Vacances de Noël")
    city_event(world, title="Fête du printemps passée", start_date=today() - timedelta(days=30))
    login_as(life.agent2)
    page = client.get("/agenda/gerer").get_data(as_text=True)
    assert page.index("Coming up") < page.index("Vacances de Noël") < page.index("Past") \
        < page.index("Fête du printemps passée")
    login_as(world.far.city_agent)
    assert "Vacances de Noël" not in client.get("/agenda/gerer").get_data(as_text=True)
    login_as(world.teacher_a)
    assert client.get("/agenda/gerer").status_code == 404
