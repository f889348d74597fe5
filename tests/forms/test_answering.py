"""A guardian answers for each child concerned, can change it until the deadline, never after."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from ent_lite.audience import keys
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.forms.answering import parse_number
from ent_lite.forms.models import Answer, PostForm, Response
from ent_lite.school.models import GuardianLink
from tests import factories
from tests.forms.conftest import answer_url, counts, fields, panel_html

GOOD = {"q1": "yes", "q2": "Canteen", "q3": ["Morning", "Afternoon"], "q4": "2,5"}


def answers_of(form: PostForm, response: Response) -> dict[str, str]:
    """{"q<position>": stored value}"""
    position = {q.id: q.position for q in form.questions}
    rows = db.session.execute(select(Answer.question_id, Answer.value).where(Answer.response_id == response.id))
    return {f"q{position[question_id]}": value for question_id, value in rows}


def is_checked(html: str, field_id: str) -> bool:
    return f'<input checked id="{field_id}"' in html


def test_a_guardian_sees_the_form_for_their_child(app, world, outing):
    post, _ = outing
    html = panel_html(app, world.parent_a, post)
    assert "For Awa (CP A)" in html and "I authorise my child to take part" in html
    assert f'name="child" value="{world.child_a.public_id}"' in html
    assert "Send my answer" in html
    assert "Léo" not in html


def test_a_guardian_answers_then_changes_the_answer(world, outing, login_as, english):
    post, form = outing
    client = login_as(world.parent_a)
    response = client.post(answer_url(form), data=fields(form, world.child_a, **GOOD))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/news/{post.public_id}#answers")
    stored = db.session.scalar(select(Response))
    assert stored.child_id == world.child_a.id and stored.respondent_id == world.parent_a.id
    assert answers_of(form, stored) == {"q1": "yes", "q2": "Canteen", "q3": '["Morning", "Afternoon"]', "q4": "2.5"}

    # The other guardian sees the same answer and changes it: still one answer for the child.
    client = login_as(world.parent_a2)
    changed = fields(form, world.child_a, q1="no", q2="Packed lunch", q4="")
    assert client.post(answer_url(form), data=changed).status_code == 302
    db.session.expire_all()
    stored = db.session.scalar(select(Response))
    assert counts() == (1, 2)  # the cleared optional answers are gone
    assert answers_of(form, stored) == {"q1": "no", "q2": "Packed lunch"}
    assert stored.respondent_id == world.parent_a2.id


def test_the_current_answer_is_shown_and_prefilled(app, world, outing, login_as):
    post, form = outing
    login_as(world.parent_a).post(answer_url(form), data=fields(form, world.child_a, **GOOD))
    mine = panel_html(app, world.parent_a, post)
    prefix = f"c_{world.child_a.public_id}"
    assert "Answered by you on" in mine and "Change my answer" in mine
    assert is_checked(mine, f"{prefix}-q1-0") and is_checked(mine, f"{prefix}-q2-1")
    assert is_checked(mine, f"{prefix}-q3-0") and is_checked(mine, f"{prefix}-q3-1")
    assert 'value="2.5"' in mine
    theirs = panel_html(app, world.parent_a2, post)
    assert "Answered by another guardian on" in theirs


def test_a_double_submit_stores_one_answer(world, outing, login_as):
    _, form = outing
    client = login_as(world.parent_a)
    for _ in range(2):
        assert client.post(answer_url(form), data=fields(form, world.child_a, **GOOD)).status_code == 302
    assert counts() == (1, 4)


def test_a_concurrent_duplicate_updates_the_existing_row(world, outing):
    """Two requests that both found no answer: the second insert becomes an update."""
    from ent_lite.forms import services

    post, form = outing
    target = services.answer_targets(world.parent_a, post, form, utcnow())[0]
    question = form.questions[0]
    services.save_answers(form, world.parent_a, target, {question.id: "yes"}, utcnow())
    services.save_answers(form, world.parent_a2, target, {question.id: "no"}, utcnow())
    db.session.commit()
    assert counts() == (1, 1)
    assert db.session.scalar(select(Answer.value)) == "no"


def test_a_late_answer_is_refused_with_a_clear_message(app, world, outing, login_as, english):
    post, form = outing
    client = login_as(world.parent_a)
    client.post(answer_url(form), data=fields(form, world.child_a, **GOOD))
    db.session.execute(update(PostForm).values(deadline_dt=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    response = client.post(answer_url(form), data=fields(form, world.child_a, q1="no", q2="Canteen"),
                           follow_redirects=True)
    assert "The deadline has passed: answers can no longer be given or changed." in response.get_data(as_text=True)
    assert db.session.scalar(select(Answer.value).where(Answer.question_id == form.questions[0].id)) == "yes"
    html = panel_html(app, world.parent_a, post)
    assert "Closed on" in html and "<form" not in html and "Yes" in html  # read-only, answer kept


def test_validation_errors_keep_what_was_typed(world, outing, login_as, english):
    _, form = outing
    client = login_as(world.parent_a)
    response = client.post(answer_url(form), data=fields(form, world.child_a, q2="Canteen", q4="two and a half"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Answer this question." in page  # the consent question is required
    assert "Enter a number, for example 2 or 2,5." in page
    prefix = f"c_{world.child_a.public_id}"
    assert 'value="two and a half"' in page and is_checked(page, f"{prefix}-q2-1")
    assert f'aria-describedby="{prefix}-q4-error"' in page
    assert counts() == (0, 0)


def test_an_answer_outside_the_choices_is_refused(world, outing, login_as, english):
    _, form = outing
    client = login_as(world.parent_a)
    response = client.post(answer_url(form), data=fields(form, world.child_a, q1="maybe", q2="Caviar"))
    page = response.get_data(as_text=True)
    assert page.count("Choose among the options listed.") == 4  # next to each field and in the summary
    assert counts() == (0, 0)


def test_a_guardian_without_legal_authority_reads_but_cannot_answer(app, world, outing, login_as, english):
    post, form = outing
    db.session.execute(update(GuardianLink).where(GuardianLink.user_id == world.parent_a2.id)
                       .values(legal_authority=False))
    db.session.commit()
    html = panel_html(app, world.parent_a2, post)
    assert "Only a guardian with legal authority over the child can answer this authorisation." in html
    assert "<form" not in html
    response = login_as(world.parent_a2).post(answer_url(form), data=fields(form, world.child_a, **GOOD))
    assert response.status_code == 404
    assert counts() == (0, 0)


def test_a_poll_does_not_need_legal_authority(world, make_form, login_as):
    _, form = make_form(world.teacher_a, [keys.group_key(world.class_a.id)], kind="poll",
                        questions=[{"text": "Cake?", "kind": "yes_no"}])
    db.session.execute(update(GuardianLink).values(legal_authority=False))
    db.session.commit()
    response = login_as(world.parent_a2).post(answer_url(form), data=fields(form, world.child_a, q1="yes"))
    assert response.status_code == 302
    assert counts() == (1, 1)


def test_another_familys_child_is_404_and_nothing_written(world, outing, login_as):
    _, form = outing
    client = login_as(world.parent_b)  # child_b is in class B: the post is not theirs
    assert client.post(answer_url(form), data=fields(form, world.child_a, **GOOD)).status_code == 404
    assert client.post(answer_url(form), data=fields(form, world.child_b, **GOOD)).status_code == 404
    assert counts() == (0, 0)


def test_a_forged_child_id_is_404(world, make_form, login_as):
    """parent_a reads a whole-school post, but may only answer for their own child."""
    _, form = make_form(world.director, [keys.establishment_key(world.school.id)], kind="poll",
                        questions=[{"text": "Cake?", "kind": "yes_no"}])
    client = login_as(world.parent_a)
    assert client.post(answer_url(form), data=fields(form, world.child_b, q1="yes")).status_code == 404
    assert client.post(answer_url(form), data={"c_x-q1": "yes", "child": "x"}).status_code == 404
    assert counts() == (0, 0)
    assert client.post(answer_url(form), data=fields(form, world.child_a, q1="yes")).status_code == 302


def test_staff_cannot_answer(world, outing, login_as):
    _, form = outing
    for user in (world.teacher_a, world.director):
        assert login_as(user).post(answer_url(form), data=fields(form, world.child_a, **GOOD)).status_code == 404
    assert counts() == (0, 0)


def test_an_unknown_form_is_404(world, login_as):
    assert login_as(world.parent_a).post("/forms/nope/answer", data={}).status_code == 404


def test_an_answer_without_csrf_token_is_refused(world, outing, login_as):
    _, form = outing
    response = login_as(world.parent_a).post(answer_url(form), data=fields(form, world.child_a, **GOOD), csrf=False)
    assert response.status_code == 400
    assert counts() == (0, 0)


def test_two_children_get_two_forms_with_distinct_ids(app, world, make_form):
    sibling = factories.make_child(world.city, world.class_b, "Zoé", "Diallo", guardians=(world.parent_a,))
    db.session.commit()
    post, _ = make_form(world.director, [keys.establishment_key(world.school.id)], kind="authorisation")
    html = panel_html(app, world.parent_a, post)
    assert "For Awa (CP A)" in html and "For Zoé (CE1 B)" in html
    assert f'id="c_{world.child_a.public_id}-q1-0"' in html and f'id="c_{sibling.public_id}-q1-0"' in html


def test_per_family_poll_the_parents_of_the_same_children_share_one_answer(world, make_form, login_as):
    post, form = make_form(world.teacher_a, [keys.group_key(world.class_a.id)], kind="poll", answered_per="family",
                           questions=[{"text": "Comments", "kind": "text"}])
    client = login_as(world.parent_a)
    assert client.post(answer_url(form), data=fields(form, None, q1="Fine")).status_code == 302
    # The other parent of Awa sees that answer and may change it: still one answer.
    client = login_as(world.parent_a2)
    assert "Fine" in client.get(f"/news/{post.public_id}").get_data(as_text=True)
    assert client.post(answer_url(form), data=fields(form, None, q1="Fine, we will come")).status_code == 302
    responses = db.session.scalars(select(Response)).all()
    assert len(responses) == 1 and responses[0].child_id is None
    assert responses[0].respondent_id == world.parent_a2.id
    assert db.session.scalar(select(Answer.value)) == "Fine, we will come"


def test_per_family_poll_a_parent_with_other_children_answers_apart(world, make_form, login_as):
    # Moussa also has Bintou in class A with another mother: his family here is Awa and Bintou.
    other_mother = factories.make_user(world.city, "guardian", "Sarah", "Kone")
    factories.make_child(world.city, world.class_a, "Bintou", "Diallo", guardians=(world.parent_a2, other_mother))
    db.session.commit()
    _, form = make_form(world.teacher_a, [keys.group_key(world.class_a.id)], kind="poll", answered_per="family",
                        questions=[{"text": "Comments", "kind": "text"}])
    for parent in (world.parent_a, world.parent_a2, other_mother):
        assert login_as(parent).post(answer_url(form), data=fields(form, None, q1="Fine")).status_code == 302
    assert len(set(db.session.scalars(select(Response.respondent_key)))) == 3


def test_a_text_answer_is_limited(world, make_form, login_as, english):
    _, form = make_form(world.teacher_a, [keys.group_key(world.class_a.id)], kind="poll",
                        questions=[{"text": "Comments", "kind": "text"}])
    page = login_as(world.parent_a).post(answer_url(form), data=fields(form, world.child_a, q1="x" * 501))
    assert "The answer can have at most 500 characters." in page.get_data(as_text=True)
    assert counts() == (0, 0)


@pytest.mark.parametrize("typed, stored", [("2,5", "2.5"), (" 1 200 ", "1200"), ("-3", "-3"), (",75", "0.75")])
def test_numbers_typed_the_french_or_english_way_are_read(typed, stored):
    number = parse_number(typed)
    assert number is not None and format(number.normalize(), "f") == stored


@pytest.mark.parametrize("typed", ["1e-999999", "1E5", "NaN", "Infinity", "12345678901", "2.1234567", "2,5,3", "--1"])
def test_scientific_notation_and_absurd_numbers_are_refused(typed):
    assert parse_number(typed) is None
