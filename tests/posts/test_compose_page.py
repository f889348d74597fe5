"""The compose page on a phone (issue 10, items 3 and 4): optional parts folded, question slots
added one at a time, a short audience choice for directors and city agents, an error summary
whose links lead to the fields, and whose photo may be published shown before trying."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from ent_lite.consents import services as consents
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.posts.models import Post, PostAudience
from tests import factories
from tests.posts.helpers import add_city_service


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def opened(page: str) -> set[str]:
    return set(re.findall(r'<details class="field part" id="([^"]+)" open>', page))


def test_optional_parts_are_folded_until_they_hold_something(world, login_as, english):
    page = login_as(world.teacher_a).get("/news/new").get_data(as_text=True)
    for part in ("part-photos", "part-signature", "part-poll", "part-when", "part-options"):
        assert f'id="{part}"' in page
    assert opened(page) == set()
    # Publish comes before every optional part.
    assert page.index(">Publish</button>") < page.index('id="part-photos"')
    page = login_as(world.teacher_a).post("/news/new", data={
        "title": "", "body": "B", "targets": [f"group:{world.class_a.public_id}"], "requires_ack": "y", "replies_allowed": "y",
        "expires_date": "not a date"}).get_data(as_text=True)
    assert opened(page) == {"part-signature", "part-when"}


def test_one_question_slot_then_one_more_per_tap_keeping_what_was_typed(world, login_as, english):
    client = login_as(world.teacher_a)
    page = client.get("/news/new").get_data(as_text=True)
    assert 'name="poll-questions-0-text"' in page and 'name="poll-questions-1-text"' not in page
    page = client.post("/news/new", data={
        "title": "Kermesse", "body": "Qui aide ?", "targets": [f"group:{world.class_a.public_id}"],
        "poll-kind": "poll", "poll-questions-0-text": "Vous venez ?", "add_question": "1"}).get_data(as_text=True)
    assert 'name="poll-questions-1-text"' in page and 'name="poll-questions-2-text"' not in page
    assert 'value="Kermesse"' in page and 'value="Vous venez ?"' in page
    assert "part-poll" in opened(page) and count(Post) == 0
    assert "class=\"error" not in page  # asking for a slot is not a mistake


def test_the_error_summary_links_each_error_to_its_field_and_takes_the_focus(world, login_as, english):
    page = login_as(world.teacher_a).post("/news/new", data={
        "title": "", "body": "Texte tapé", "targets": [f"group:{world.class_a.public_id}"],
        "expires_date": "31/02/2026"}).get_data(as_text=True)
    summary = page[page.index('class="flash flash-error error-summary"'):]
    summary = summary[:summary.index("</div>")]
    assert 'role="alert"' in summary and 'tabindex="-1"' in summary and "autofocus" in summary
    assert '<a href="#title">Give the post a title.</a>' in summary
    assert '<a href="#expires_date">' in summary
    assert 'id="title"' in page and 'id="expires_date"' in page
    assert "Texte tapé</textarea>" in page


def test_a_refused_photo_tag_is_in_the_summary_with_a_link_to_the_tagging_list(world, login_as, english):
    page = login_as(world.teacher_a).post("/news/new", data={
        "title": "Ferme", "body": "Photos", "targets": [f"group:{world.class_a.public_id}"],
        "children": [world.child_a.public_id]}).get_data(as_text=True)
    assert count(Post) == 0
    link = re.search(r'<a href="#(children-0)">Not published: the guardians of Awa', page)
    assert link, page
    assert 'id="children-0"' in page and "part-photos" in opened(page)


def test_the_tagging_list_says_whose_photo_may_be_shown_before_trying(world, login_as, english):
    now = utcnow()
    for guardian in (world.parent_a, world.parent_a2):
        consents.set_consent(guardian, consents.PHOTO_PUBLICATION, True, now, child=world.child_a, audience="class")
    db.session.commit()
    page = login_as(world.teacher_a).get("/news/new").get_data(as_text=True)
    # The teacher's one class is the audience: Awa's guardians agreed for it.
    awa = page[page.index("Awa"):]
    assert awa.index("Photos allowed for this audience.") < awa.index("</label>")
    client = login_as(world.director)
    page = client.get("/news/new").get_data(as_text=True)
    awa, leo = page[page.index(">Awa"):], page[page.index(">Léo"):]
    assert "Photos allowed for their class." in awa[:awa.index("</label>")]
    assert "No photos: their guardians have not agreed." in leo[:leo.index("</label>")]
    page = client.post("/news/new", data={"title": "", "body": "B", "scope": f"establishment:{world.school.public_id}"}
                       ).get_data(as_text=True)
    awa = page[page.index(">Awa"):]
    assert "Not for this audience: photos allowed only for their class." in awa[:awa.index("</label>")]


def test_a_director_chooses_the_whole_school_or_chosen_classes(world, login_as, english):
    client = login_as(world.director)
    page = client.get("/news/new").get_data(as_text=True)
    assert re.findall(r'name="scope" id="scope-\d" value="([^"]+)"', page) == [
        f"establishment:{world.school.public_id}", "pick:group"]
    # The classes are ticked only under "chosen classes", folded until then.
    assert '<details class="pick">' in page and 'name="targets"' in page
    assert client.post("/news/new", data={"title": "Fête", "body": "B", "scope": "pick:group",
                                          "targets": [f"group:{world.class_b.public_id}",
                                                      f"establishment:{world.school.public_id}"]}).status_code == 302
    assert db.session.scalars(select(PostAudience.value)).all() == [str(world.class_b.id)]
    assert client.post("/news/new", data={"title": "Fête 2", "body": "B",
                                          "scope": f"establishment:{world.school.public_id}",
                                          "targets": [f"group:{world.class_b.public_id}"]}).status_code == 302
    assert count(Post) == 2
    # "Whole school" left chosen while a class is ticked: the narrower audience, never the wider.
    assert db.session.scalars(select(PostAudience.value)).all() == [str(world.class_b.id)] * 2


def test_chosen_classes_with_none_ticked_is_an_error_linked_to_the_choice(world, login_as, english):
    page = login_as(world.director).post("/news/new", data={"title": "T", "body": "B", "scope": "pick:group"}
                                         ).get_data(as_text=True)
    assert '<a href="#scope-0">Choose at least one audience.</a>' in page
    assert '<details class="pick" open>' in page and count(Post) == 0


def test_a_forged_audience_is_still_refused(world, login_as, english):
    """The short choice reaches no further than the list: another school, forged, is refused."""
    client = login_as(world.director)
    for scope in (f"establishment:{world.other_school.public_id}", f"group:{world.other_class.public_id}", "all:*"):
        page = client.post("/news/new", data={"title": "T", "body": "B", "scope": scope}).get_data(as_text=True)
        assert "Choose among the audiences listed." in page
    page = client.post("/news/new", data={"title": "T", "body": "B", "scope": "pick:group",
                                          "targets": [f"group:{world.other_class.public_id}"]}).get_data(as_text=True)
    assert "Choose at least one audience." in page
    assert count(Post) == 0


def test_a_city_agent_chooses_the_city_or_a_list(world, login_as, english):
    add_city_service(world)
    page = login_as(world.city_agent).get("/news/new").get_data(as_text=True)
    scopes = re.findall(r'name="scope" id="scope-\d+" value="([^"]+)"', page)
    assert scopes == ["all:*", f"no_activity:{factories.SCHOOL_YEAR}", "pick:establishment", "pick:district",
                      "pick:level"]
    assert page.count('type="checkbox" name="targets"') + page.count('name="targets" type="checkbox"') > 2
    assert page.count("<details class=\"pick\">") == 3
