"""Questions marked "health or allergy": their answers are blanked by the purge 15 days after
the form's deadline, the family is told so, and the composer warns about other free text."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from ent_lite.audience import keys
from ent_lite.core.dates import format_day
from ent_lite.extensions import db
from ent_lite.forms import services as forms
from ent_lite.forms.models import Answer, PostForm, Question, Response
from ent_lite.posts.services import create_post
from ent_lite.privacy import retention
from ent_lite.privacy.purge import PURGE_ORDER, purge_category, run_purge
from tests.forms.conftest import builder_data, panel_html

HEALTH = {"text": "Allergies ou traitement ?", "kind": "text", "is_optional": True, "is_health": True}
OTHER = {"text": "Pique-nique ou cantine ?", "kind": "text"}
DEADLINE = datetime(2026, 3, 10, 22, 59, tzinfo=timezone.utc)


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


@pytest.fixture
def answered(world):
    """Awa's answers to a poll with one health question and one other, deadline DEADLINE."""
    post = create_post(world.teacher_a, "Sortie", "Bonjour.", [keys.group_key(world.class_a.id)], utc(2026, 3, 1))
    form = forms.attach_form(post, builder_data("poll", (HEALTH, OTHER)), utc(2026, 3, 1))
    form.deadline_dt = DEADLINE
    db.session.flush()
    response = Response(form_id=form.id, child_id=world.child_a.id, respondent_id=world.parent_a.id,
                        respondent_key=f"child:{world.child_a.id}", created_dt=utc(2026, 3, 2),
                        updated_dt=utc(2026, 3, 2))
    db.session.add(response)
    db.session.flush()
    health, other = form.questions
    db.session.add_all([Answer(response_id=response.id, question_id=health.id, value="Arachide"),
                        Answer(response_id=response.id, question_id=other.id, value="Cantine")])
    db.session.commit()
    return form


def values() -> set[str]:
    db.session.expire_all()
    return set(db.session.scalars(select(Answer.value)))


def test_the_builder_stores_the_mark(world, make_form):
    _post, form = make_form(world.teacher_a, [keys.group_key(world.class_a.id)], questions=(HEALTH, OTHER))
    assert [(q.label, q.is_health) for q in form.questions] == [(HEALTH["text"], True), (OTHER["text"], False)]


def test_the_composer_offers_the_mark_and_warns_about_other_free_text(world, login_as, english):
    page = login_as(world.teacher_a).get("/news/new").get_data(as_text=True)
    assert 'name="poll-questions-0-is_health"' in page and "Health or allergy question" in page
    assert "Other questions and the message must not carry health information." in page
    assert "its answers are deleted 15 days after the deadline" in page


def test_the_purge_job_is_registered():
    assert "health_answers" in PURGE_ORDER
    assert retention.CATEGORIES["health_answers"].days == 15


@pytest.mark.parametrize("now, blanked", [
    (DEADLINE + timedelta(days=14), False),                   # one day inside
    (DEADLINE + timedelta(days=15), False),                   # the exact instant: not yet past it
    (DEADLINE + timedelta(days=15, microseconds=1), True),   # just past it
    (DEADLINE + timedelta(days=16), True),                    # one day past
], ids=["day-inside", "instant", "instant-past", "day-past"])
def test_health_answers_are_blanked_15_days_after_the_deadline(answered, now, blanked):
    result = purge_category("health_answers", now)
    assert values() == ({"Cantine"} if blanked else {"Arachide", "Cantine"})
    assert result.rows == int(blanked)
    # The rest of the answer, and the response itself, follow the form answers' retention.
    assert db.session.scalar(select(func.count()).select_from(Response)) == 1


def test_the_real_run_blanks_them_and_audits_the_count(answered):
    results = run_purge(DEADLINE + timedelta(days=16))
    (result,) = [r for r in results if r.category == "health_answers"]
    assert result.rows == 1 and values() == {"Cantine"}
    assert run_purge(DEADLINE + timedelta(days=16))[PURGE_ORDER.index("health_answers")].rows == 0  # re-run


def test_a_dry_run_keeps_them(answered):
    result = purge_category("health_answers", DEADLINE + timedelta(days=16), dry_run=True)
    assert result.rows == 1 and values() == {"Arachide", "Cantine"}


def test_the_deletion_date_is_the_deadline_plus_15_days(answered):
    health, other = answered.questions
    assert retention.deletion_date(health) == DEADLINE + timedelta(days=15)
    assert retention.deletion_date(other) == retention.deletion_date(answered)


def test_the_family_sees_the_mark_and_the_deletion_date(app, world, make_form):
    post, form = make_form(world.teacher_a, [keys.group_key(world.class_a.id)], questions=(HEALTH, OTHER))
    deleted_on = retention.deletion_date(form.questions[0])
    html = panel_html(app, world.parent_a, post)
    assert html.count("Health or allergy information: the answer is deleted on") == 1
    with force_locale("en"):
        assert format_day(deleted_on) in html
    staff = panel_html(app, world.teacher_a, post)
    assert "Health or allergy information" in staff
    assert db.session.get(PostForm, form.id).questions[1].is_health is False
    assert db.session.scalar(select(func.count()).select_from(Question).where(Question.is_health)) == 1
