"""The builder inside the compose page: clear errors next to the fields, and what it writes."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest
from flask import render_template
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import FormField, StringField

from ent_lite.audience import keys
from ent_lite.core.db_types import utcnow
from ent_lite.forms import services
from ent_lite.core.localtime import city_zone
from ent_lite.forms.builder import FormBuilderForm
from ent_lite.forms.models import AnsweredPer, FormKind, QuestionKind
from ent_lite.posts.services import create_post
from tests.forms.conftest import builder_data


@pytest.fixture
def request_ctx(app, db):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


def in_days(n: int) -> str:
    return (utcnow() + timedelta(days=n)).astimezone(city_zone()).date().isoformat()


def builder(**fields) -> FormBuilderForm:
    form = FormBuilderForm(formdata=MultiDict(fields))
    form.validate()
    return form


def test_no_form_ignores_whatever_the_slots_hold(request_ctx):
    form = builder(kind="none", **{"questions-0-text": "Half typed", "questions-0-kind": "single"})
    assert form.validate() and form.errors == {}


def test_an_authorisation_needs_only_a_deadline(request_ctx):
    form = builder(kind="authorisation", deadline_date=in_days(3), deadline_time="18:00")
    assert form.errors == {}


def test_a_deadline_is_required_and_in_the_future(request_ctx):
    assert builder(kind="authorisation").deadline_date.errors == [
        "Choose the date by which families must answer."]
    assert builder(kind="authorisation", deadline_date=in_days(-1)).deadline_date.errors == [
        "The deadline must be in the future."]


def test_an_unreadable_date_gets_a_translated_message(request_ctx):
    form = builder(kind="authorisation", deadline_date="next friday", deadline_time="25:00")
    assert form.deadline_date.errors == ["Enter the date as day, month and year, for example 30/06/2026."]
    assert form.deadline_time.errors == ["Enter the time as hours and minutes, for example 18:00."]


def test_a_date_typed_the_french_way_is_read(request_ctx):
    day = date.fromisoformat(in_days(5))
    form = builder(kind="authorisation", deadline_date=day.strftime("%d/%m/%Y"))
    assert form.errors == {} and form.deadline_date.data == day


def test_a_poll_needs_a_question(request_ctx):
    form = builder(kind="poll", deadline_date=in_days(3))
    assert form.form_errors == ["A poll needs at least one question: write it in question 1."]
    assert not form.validate()


def test_a_choice_question_needs_two_choices(request_ctx):
    form = builder(kind="poll", deadline_date=in_days(3), **{
        "questions-0-text": "Lunch?", "questions-0-kind": "single", "questions-0-choices": "Canteen\n\n  ",
    })
    assert form.questions[0].form.choices.errors == ["Give at least two choices, one per line."]


def test_choices_on_a_number_question_are_refused_not_dropped(request_ctx):
    form = builder(kind="poll", deadline_date=in_days(3), **{
        "questions-0-text": "How many?", "questions-0-kind": "number", "questions-0-choices": "1\n2",
    })
    assert form.questions[0].form.choices.errors == [
        "Only the two choice types take choices: clear them or change the type of answer."]


def test_choices_without_a_question_text(request_ctx):
    form = builder(kind="poll", deadline_date=in_days(3), **{
        "questions-0-kind": "multiple", "questions-0-choices": "A\nB",
    })
    assert form.questions[0].form.text.errors == ["Write the question, or clear its choices."]


def test_unknown_kinds_are_refused_with_our_message(request_ctx):
    assert builder(kind="survey").kind.errors == ["Choose one of the options."]
    form = builder(kind="poll", deadline_date=in_days(3), **{"questions-0-text": "Q", "questions-0-kind": "essay"})
    assert form.questions[0].form.kind.errors == ["Choose a type of answer from the list."]


def test_the_deadline_must_follow_a_scheduled_publication(request_ctx):
    form = builder(kind="authorisation", deadline_date=in_days(3))
    assert form.check_deadline_within(utcnow() + timedelta(days=1), None)
    assert not form.check_deadline_within(utcnow() + timedelta(days=10), None)
    assert form.deadline_date.errors == ["The deadline must come after the publication of the post."]


class Compose(FlaskForm):
    """How the compose page nests the builder."""

    title = StringField()
    poll = FormField(FormBuilderForm)


def test_nested_in_the_compose_form(app, db):
    data = {"title": "Sortie", "poll-kind": "poll", "poll-deadline_date": in_days(2),
            "poll-questions-0-text": "Who comes?", "poll-questions-0-kind": "yes_no"}
    with app.test_request_context(method="POST", data=data, headers={"Accept-Language": "en"}):
        form = Compose(meta={"csrf": False})
        assert form.validate(), form.errors
        assert form.poll.data["questions"][0]["text"] == "Who comes?"
        html = render_template("forms/_builder.html", builder=form.poll)
    # One empty slot; "Add a question" (a submit, no JavaScript needed) asks for another.
    assert 'name="poll-questions-0-text"' in html and 'name="poll-questions-1-text"' not in html
    assert 'name="add_question"' in html
    assert 'id="poll-deadline_date"' in html and 'type="date"' in html
    assert "Poll or authorisation" in html


def test_nested_errors_reach_the_compose_form(app, db):
    data = {"title": "Sortie", "poll-kind": "poll", "poll-deadline_date": in_days(-2)}
    with app.test_request_context(method="POST", data=data, headers={"Accept-Language": "en"}):
        form = Compose(meta={"csrf": False})
        assert not form.validate()
        assert "poll" in form.errors  # so the page's "correct the fields" banner shows
        html = render_template("forms/_builder.html", builder=form.poll)
    assert "The deadline must be in the future." in html
    assert 'aria-describedby="poll-deadline_date-hint poll-deadline_date-error"' in html


# --- attach_form ----------------------------------------------------------------------------

def _post(world):
    return create_post(world.teacher_a, "Sortie", "Bonjour", [keys.group_key(world.class_a.id)], utcnow())


def test_no_form_attaches_nothing(world):
    assert services.attach_form(_post(world), builder_data(kind="none"), utcnow()) is None


def test_an_authorisation_starts_with_the_consent_question(world):
    data = builder_data(kind="authorisation", answered_per="family", questions=[
        {"text": "Lunch", "kind": "single", "choices": "Packed lunch\n\nCanteen\nCanteen"}])
    form = services.attach_form(_post(world), data, utcnow())
    assert form.kind == FormKind.AUTHORISATION
    assert form.answered_per == AnsweredPer.CHILD  # an authorisation is always per child
    consent, lunch = form.questions
    assert (consent.position, consent.kind, consent.label, consent.is_required) == (1, QuestionKind.CONSENT, "", True)
    assert (lunch.position, lunch.label, lunch.choices) == (2, "Lunch", ["Packed lunch", "Canteen"])


def test_a_poll_per_family_keeps_only_the_filled_slots(world):
    data = builder_data(kind="poll", answered_per="family", questions=[
        {}, {"text": "Comments", "kind": "text", "is_optional": True}])
    form = services.attach_form(_post(world), data, utcnow())
    assert form.answered_per == AnsweredPer.FAMILY and not form.per_child
    [question] = form.questions
    assert (question.position, question.kind, question.is_required) == (1, QuestionKind.TEXT, False)


def test_the_deadline_is_typed_in_paris_time_and_stored_in_utc(world):
    data = builder_data(kind="authorisation")
    data["deadline_date"], data["deadline_time"] = date(2099, 6, 30), time(18, 0)
    form = services.attach_form(_post(world), data, utcnow())
    assert form.deadline_dt == datetime(2099, 6, 30, 16, 0, tzinfo=timezone.utc)  # summer time: UTC+2
    data["deadline_date"], data["deadline_time"] = date(2099, 1, 15), None
    form = services.attach_form(_post(world), data, utcnow())
    assert form.deadline_dt == datetime(2099, 1, 15, 22, 59, tzinfo=timezone.utc)  # end of the day, UTC+1


def test_a_poll_without_questions_is_refused(world):
    with pytest.raises(ValueError):
        services.attach_form(_post(world), builder_data(kind="poll"), utcnow())
