"""The forms a guardian's export holds: the polls and authorisations the family answered, their
questions, and the answers given (who answered: "you" or "another guardian")."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ent_lite.extensions import db
from ent_lite.forms.answering import display_value, question_label
from ent_lite.forms.models import Answer, PostForm, Question, Response
from ent_lite.rights.registry import PersonLabels, child_refs, deletion, exporter, family_responses, post_refs, row


@exporter("post_form", _l("Polls and authorisations you answered"))
def _forms(guardian, child_ids):
    forms = list(db.session.scalars(select(PostForm).where(PostForm.id.in_(
        select(Response.form_id).where(Response.id.in_(family_responses(guardian, child_ids))))).order_by(PostForm.id)))
    posts = post_refs(f.post_id for f in forms)
    return [row(public_id=f.public_id, post=posts.get(f.post_id), kind=f.kind, answered_per=f.answered_per,
                 deadline_dt=f.deadline_dt) for f in forms]


@exporter("form_question", _l("Questions you answered"))
def _questions(guardian, child_ids):
    questions = db.session.execute(select(Question, PostForm.public_id).join(PostForm).where(
        Question.form_id.in_(select(Response.form_id).where(Response.id.in_(family_responses(guardian, child_ids)))))
        .order_by(Question.form_id, Question.position))
    return [row(form=form, position=q.position, kind=q.kind, label=question_label(q), choices=q.choices)
            for q, form in questions]


@exporter("form_response", _l("Answers given"))
def _responses(guardian, child_ids):
    rows = list(db.session.execute(select(Response, PostForm.public_id).join(PostForm).where(
        Response.id.in_(family_responses(guardian, child_ids))).order_by(Response.id)))
    refs = child_refs(child_ids)
    people = PersonLabels(guardian, [r.respondent_id for r, _f in rows])
    return [row(public_id=r.public_id, form=form, child=refs.get(r.child_id), answered_by=people(r.respondent_id),
                 created_dt=r.created_dt, updated_dt=r.updated_dt, deletion_dt=deletion("form_answers", r.updated_dt))
            for r, form in rows]


@exporter("form_answer", _l("Answer values"))
def _answers(guardian, child_ids):
    rows = db.session.execute(select(Answer, Question, Response.public_id)
                              .join(Question, Question.id == Answer.question_id)
                              .join(Response, Response.id == Answer.response_id)
                              .where(Answer.response_id.in_(family_responses(guardian, child_ids)))
                              .order_by(Answer.response_id, Question.position))
    return [row(response=response, question=question_label(q), value=display_value(q, a.value))
            for a, q, response in rows]
