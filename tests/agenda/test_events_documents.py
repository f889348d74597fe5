"""An event's PDF (the week's menu): kept as a draft while the form is corrected, readable
exactly by who sees the event, never swept by the draft purge, replaced cleanly."""
from __future__ import annotations

import io

from sqlalchemy import select

from ent_lite import rules
from ent_lite.agenda.models import Event
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.files import drafts
from ent_lite.files.models import Attachment
from tests.agenda.event_factories import DAY, school_event, stored_pdf
from tests.files import images
from tests.posts.helpers import add_city_service


def menu_form(**overrides):
    values = {"category": "menu", "title": "Menu de la semaine", "start_date": DAY.isoformat(),
              "end_date": "", "targets": ["all:*"]}
    return {**values, **overrides}


def pdf(name="menu.pdf"):
    return (io.BytesIO(images.PDF), name)


def test_a_menu_sent_with_a_mistake_keeps_its_pdf_then_families_read_it(world, login_as, client):
    add_city_service(world)
    login_as(world.city_agent)
    response = client.post("/agenda/evenements/nouveau", data=menu_form(title="", document=pdf()),
                           content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    draft = db.session.scalars(select(Attachment)).one()
    assert response.status_code == 200 and "menu.pdf" in page
    assert f'name="document_draft" value="{draft.public_id}"' in page
    response = client.post("/agenda/evenements/nouveau", data=menu_form(document_draft=draft.public_id),
                           content_type="multipart/form-data")
    assert response.status_code == 302
    event = db.session.scalars(select(Event)).one()
    assert event.document_id == draft.id
    for reader in (world.parent_a, world.other_parent, world.city_agent):
        login_as(reader)
        assert client.get(f"/files/{draft.public_id}").status_code == 200, reader.first_name
        assert "menu.pdf" in client.get(f"/agenda/evenements/{event.public_id}").get_data(as_text=True)
    for outsider in (world.far.parent, world.far.city_agent, world.admin, world.dpo):
        login_as(outsider)
        assert client.get(f"/files/{draft.public_id}").status_code == 404, outsider.first_name


def test_a_school_events_pdf_is_for_that_schools_families_only(app, world):
    document = stored_pdf(app, world.director)
    event = school_event(world, document=document)
    assert event.document_id == document.id
    for reader in (world.parent_a, world.parent_b, world.director, world.teacher_b):
        assert rules.can_read_attachment(reader, document), reader.first_name
    for outsider in (world.other_parent, world.other_teacher, world.far.parent, world.admin, world.dpo):
        assert not rules.can_read_attachment(outsider, document), outsider.first_name


def test_only_a_pdf_is_accepted(world, login_as, client, english):
    add_city_service(world)
    login_as(world.city_agent)
    response = client.post("/agenda/evenements/nouveau", data=menu_form(document=(io.BytesIO(images.small_jpeg()),
                                                                                  "menu.jpg")),
                           content_type="multipart/form-data")
    assert response.status_code == 415 and "Choose a PDF document." in response.get_data(as_text=True)
    assert db.session.scalars(select(Event)).all() == [] and db.session.scalars(select(Attachment)).all() == []


def test_the_draft_purge_keeps_event_documents(app, world):
    document = stored_pdf(app, world.director)
    abandoned = stored_pdf(app, world.director, "brouillon.pdf")
    school_event(world, document=document)
    due = set(db.session.scalars(drafts.due_drafts(utcnow())))
    assert abandoned.id in due and document.id not in due
    # Nor can a post's form claim it as one of its drafts.
    assert drafts.own_drafts(world.director, [document.public_id]) == []


def test_replacing_or_removing_the_pdf_deletes_the_old_one(world, login_as, client):
    add_city_service(world)
    login_as(world.city_agent)
    client.post("/agenda/evenements/nouveau", data=menu_form(document=pdf("semaine1.pdf")),
                content_type="multipart/form-data")
    event = db.session.scalars(select(Event)).one()
    first = event.document
    assert first.display_name == "semaine1.pdf"
    client.post(f"/agenda/evenements/{event.public_id}/modifier", data=menu_form(document=pdf("semaine2.pdf")),
                content_type="multipart/form-data")
    db.session.expire_all()
    assert [a.display_name for a in db.session.scalars(select(Attachment))] == ["semaine2.pdf"]
    assert event.sequence == 1
    client.post(f"/agenda/evenements/{event.public_id}/modifier", data=menu_form(remove_document="1"),
                content_type="multipart/form-data")
    db.session.expire_all()
    assert event.document_id is None and db.session.scalars(select(Attachment)).all() == []
    # Saving without touching it keeps it (the form shows it, no draft field).
    client.post(f"/agenda/evenements/{event.public_id}/modifier", data=menu_form(document=pdf("semaine3.pdf")),
                content_type="multipart/form-data")
    client.post(f"/agenda/evenements/{event.public_id}/modifier", data=menu_form(place="Cantine"),
                content_type="multipart/form-data")
    db.session.expire_all()
    assert event.document.display_name == "semaine3.pdf" and event.place == "Cantine"


def test_removing_the_pdf_survives_a_form_sent_back_for_correction(world, login_as, client, english):
    add_city_service(world)
    login_as(world.city_agent)
    client.post("/agenda/evenements/nouveau", data=menu_form(document=pdf("semaine1.pdf")),
                content_type="multipart/form-data")
    event = db.session.scalars(select(Event)).one()
    edit = f"/agenda/evenements/{event.public_id}/modifier"
    response = client.post(edit, data=menu_form(title="", remove_document="1"), content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Give the event a title." in page
    # Nothing is removed yet, but the page says it goes and carries the choice to the next save.
    assert "“semaine1.pdf” will be removed when you save." in page
    assert '<input type="hidden" name="remove_document" value="1">' in page
    db.session.expire_all()
    assert event.document.display_name == "semaine1.pdf"
    # The corrected form, as the page sends it (the hidden marker with it).
    assert client.post(edit, data=menu_form(remove_document="1"),
                       content_type="multipart/form-data").status_code == 302
    db.session.expire_all()
    assert event.document_id is None and db.session.scalars(select(Attachment)).all() == []
