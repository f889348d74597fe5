"""How long forms and their answers are kept, and what the purge deletes.

- ``form_answers`` (school year): an answer goes with the school year it was last changed in
  (or with its post, if sooner); a form's questions go with its post (``class_content``).
- ``health_answers`` (event): an answer to a question marked "health or allergy" goes 15
  days (by default) after the form's deadline (PRIVACY.md 10).

At the boundary, as everywhere: kept at the deletion instant, due from the instant after.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, select

from ent_lite.extensions import db
from ent_lite.forms.models import Answer, PostForm, Question, Response
from ent_lite.privacy.registry import NOT_PERSONAL, classify_columns, deletion_date_of, purge_job
from ent_lite.privacy.retention import deletion_date, deletion_dt

classify_columns("post_form", {
    "class_content": "id public_id post_id deadline_dt created_dt",
    NOT_PERSONAL: "kind answered_per",
})
classify_columns("form_question", {
    "class_content": "id form_id label choices_json",
    NOT_PERSONAL: "position kind is_required is_health",
})
classify_columns("form_response", {
    "form_answers": "id public_id form_id child_id respondent_id respondent_key created_dt updated_dt",
})
classify_columns("form_answer", {
    "form_answers": "id response_id question_id value",
})


# Before the posts' signatures (ent_lite.posts.retention).
@purge_job("form_answers", order=0)
def due_responses(cutoff: datetime) -> Select:
    return select(Response.id).where(Response.updated_dt < cutoff)


@purge_job("health_answers")
def due_health_answers(cutoff: datetime) -> Select:
    return (select(Answer.id).join(Question, Question.id == Answer.question_id)
            .join(PostForm, PostForm.id == Question.form_id)
            .where(Question.is_health.is_(True), PostForm.deadline_dt < cutoff))


@deletion_date_of(PostForm)
def form_deletion_date(form: PostForm) -> datetime:
    # Answers cannot be given after the deadline, so theirs is the latest deletion date.
    dates = [deletion_dt("form_answers", form.deadline_dt)]
    if form.post is not None:
        dates.append(deletion_date(form.post))
    return min(dates)


@deletion_date_of(Question)
def question_deletion_date(question: Question) -> datetime:
    # A health or allergy answer goes shortly after the deadline, or with the whole form.
    form = db.session.get(PostForm, question.form_id)
    dates = [deletion_date(form)]
    if question.is_health:
        dates.append(deletion_dt("health_answers", form.deadline_dt))
    return min(dates)


@deletion_date_of(Response)
def response_deletion_date(response: Response) -> datetime:
    dates = [deletion_dt("form_answers", response.updated_dt)]
    form = db.session.get(PostForm, response.form_id)
    if form is not None and form.post is not None:  # the answer goes with its post
        dates.append(deletion_date(form.post))
    return min(dates)
