"""One submit answers a poll or an authorisation for every child it concerns, one line per
child: a parent of two no longer fills in two forms."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select, update

from ent_lite.audience import keys
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.forms.models import Answer, Response
from ent_lite.notifications import counts as nav_counts
from ent_lite.school.models import GuardianLink
from tests import factories
from tests.forms.conftest import OUTING_QUESTIONS, answer_url, counts, panel_html


@pytest.fixture
def zoe(world):
    """Fatou (parent_a) also has Zoé in class B; her father is not on the roster."""
    child = factories.make_child(world.city, world.class_b, "Zoé", "Diallo", guardians=(world.parent_a,))
    db.session.commit()
    return child


@pytest.fixture
def school_outing(world, make_form, zoe):
    """The director's authorisation to the whole school: Awa and Zoé are both concerned."""
    return make_form(world.director, [keys.establishment_key(world.school.id)], kind="authorisation",
                     questions=OUTING_QUESTIONS, title="Swimming pool")


def both(world, zoe, awa: dict, zoe_answers: dict) -> dict:
    """One POST body holding both children's lines, as the page sends it."""
    data = {"child": [world.child_a.public_id, zoe.public_id]}
    for child, answers in ((world.child_a, awa), (zoe, zoe_answers)):
        for name, value in answers.items():
            data[f"c_{child.public_id}-{name}"] = value
    return data


def stored(child) -> dict[int, str]:
    return dict(db.session.execute(
        select(Answer.question_id, Answer.value).join(Response, Response.id == Answer.response_id)
        .where(Response.child_id == child.id)).all())


def test_the_panel_is_one_form_with_a_line_per_child(app, world, zoe, school_outing):
    post, _ = school_outing
    html = panel_html(app, world.parent_a, post)
    assert html.count("<form") == 1 and html.count('type="submit"') == 1
    assert "For Awa (CP A)" in html and "For Zoé (CE1 B)" in html
    assert f'name="child" value="{world.child_a.public_id}"' in html and f'name="child" value="{zoe.public_id}"' in html
    assert "Send the answers for Awa and Zoé" in html


def test_one_submit_answers_for_both_children(world, zoe, school_outing, login_as, english):
    _, form = school_outing
    client = login_as(world.parent_a)
    response = client.post(answer_url(form), data=both(world, zoe, {"q1": "yes", "q2": "Canteen"},
                                                       {"q1": "no", "q2": "Packed lunch", "q4": "1"}),
                           follow_redirects=True)
    assert "Your answers have been saved." in response.get_data(as_text=True)
    assert sorted(stored(world.child_a).values()) == ["Canteen", "yes"]
    assert sorted(stored(zoe).values()) == ["1", "Packed lunch", "no"]
    assert counts() == (2, 5)


def test_each_line_keeps_its_answer_and_its_errors(world, zoe, school_outing, login_as, english):
    _, form = school_outing
    client = login_as(world.parent_a)
    response = client.post(answer_url(form), data=both(world, zoe, {"q1": "yes", "q2": "Canteen", "q4": "3"},
                                                       {"q2": "Packed lunch", "q4": "many"}))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and counts() == (0, 0)  # nothing half saved
    awa, other = f"c_{world.child_a.public_id}", f"c_{zoe.public_id}"
    # The summary on top links to Zoé's fields; Awa's line had nothing wrong.
    summary = page[page.index("error-summary"):page.index("</div>", page.index("error-summary"))]
    links = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)
    assert links == [(f"{other}-q1-0", "Zoé – I authorise my child to take part: Answer this question."),
                     (f"{other}-q4", "Zoé – How many adults? (optional): Enter a number, for example 2 or 2,5.")]
    assert f'id="{other}-q1-0"' in page and f'id="{other}-q4"' in page
    # Nothing typed is lost, on either line.
    assert f'<input checked id="{awa}-q1-0"' in page and f'<input checked id="{awa}-q2-1"' in page
    assert re.search(rf"<input [^>]*id=\"{awa}-q4\"[^>]*value=\"3\"", page)
    assert f'<input checked id="{other}-q2-0"' in page and 'value="many"' in page
    assert page[page.index("<main"):].count("<form") == 1 and "Send the answers for Awa and Zoé" in page


def test_a_child_this_parent_may_not_answer_for_is_shown_without_a_control(app, world, zoe, school_outing,
                                                                          login_as, english):
    post, form = school_outing
    db.session.execute(update(GuardianLink).where(GuardianLink.child_id == zoe.id).values(legal_authority=False))
    db.session.commit()
    html = panel_html(app, world.parent_a, post)
    assert "For Zoé (CE1 B)" in html
    assert "Only a guardian with legal authority over the child can answer this authorisation." in html
    assert f'value="{zoe.public_id}"' not in html and f'id="c_{zoe.public_id}-q1-0"' not in html
    assert "Send my answer" in html  # one line left to answer: Awa's
    client = login_as(world.parent_a)
    assert client.post(answer_url(form), data=both(world, zoe, {"q1": "yes", "q2": "Canteen"},
                                                   {"q1": "yes", "q2": "Canteen"})).status_code == 404
    assert counts() == (0, 0)


def test_a_line_left_unchanged_keeps_the_other_guardians_answer(world, zoe, school_outing, login_as):
    _, form = school_outing
    awa_answer = {"q1": "yes", "q2": "Canteen"}
    data = {"child": world.child_a.public_id, **{f"c_{world.child_a.public_id}-{k}": v for k, v in awa_answer.items()}}
    assert login_as(world.parent_a2).post(answer_url(form), data=data).status_code == 302
    client = login_as(world.parent_a)
    assert client.post(answer_url(form), data=both(world, zoe, awa_answer, {"q1": "no", "q2": "Canteen"})).status_code == 302
    respondents = dict(db.session.execute(select(Response.child_id, Response.respondent_id)).all())
    assert respondents == {world.child_a.id: world.parent_a2.id, zoe.id: world.parent_a.id}


def test_a_forged_child_among_the_lines_writes_nothing(world, zoe, school_outing, login_as):
    _, form = school_outing
    client = login_as(world.parent_a)
    for intruder in (world.child_b, world.far.child):
        data = both(world, zoe, {"q1": "yes", "q2": "Canteen"}, {"q1": "yes", "q2": "Canteen"})
        data["child"].append(intruder.public_id)
        data[f"c_{intruder.public_id}-q1"] = "yes"
        assert client.post(answer_url(form), data=data).status_code == 404
    assert counts() == (0, 0)


def test_a_line_left_blank_is_not_answered_and_stays_to_do(world, zoe, school_outing, login_as, english):
    """Awa's answer now, Zoé's after asking her father: Zoé's blank line writes nothing and
    her authorisation stays on the family's to-do list."""
    _, form = school_outing
    client = login_as(world.parent_a)
    response = client.post(answer_url(form), data=both(world, zoe, {"q1": "yes", "q2": "Canteen"}, {}))
    assert response.status_code == 302
    assert sorted(stored(world.child_a).values()) == ["Canteen", "yes"]
    assert stored(zoe) == {}
    assert nav_counts.to_do(world.parent_a, utcnow()).total == 1


def test_every_line_blank_says_what_is_required(world, zoe, school_outing, login_as, english):
    _, form = school_outing
    client = login_as(world.parent_a)
    response = client.post(answer_url(form), data=both(world, zoe, {}, {}))
    assert response.status_code == 200 and counts() == (0, 0)
    assert "Awa – I authorise my child to take part: Answer this question." in response.get_data(as_text=True)
