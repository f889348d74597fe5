"""Answering a post's poll or authorisation, and its results. Access through ent_lite.rules."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.utils import secure_filename

from ent_lite import rules
from ent_lite.audit.services import record
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.forms import answering, batch, csv_export, services
from ent_lite.forms.builder import QUESTION_KIND_LABELS
from ent_lite.forms.models import QuestionKind
from ent_lite.forms.results import form_results
from ent_lite.privacy import retention
from ent_lite.school.models import Child

bp = Blueprint("forms", __name__, template_folder="templates")


@bp.app_template_global()
def form_question_label(question) -> str:
    """The question's text in the reader's language (the consent question is translated)."""
    return answering.question_label(question)


bp.add_app_template_global(answering.health_note, "form_health_note")


@bp.app_template_global()
def form_health_days() -> int:
    return retention.effective_days("health_answers")


@bp.app_template_global()
def form_question_kind(question) -> str:
    kind = QuestionKind.YES_NO if question.kind == QuestionKind.CONSENT else question.kind
    return str(QUESTION_KIND_LABELS.get(kind, ""))


@bp.app_template_global()
def form_answer_text(question, value) -> str:
    """A stored answer as the reader reads it ("Oui", "2,5", "Bus, Picnic")."""
    return answering.display_value(question, value)


@bp.app_template_filter()
def form_decimal(value) -> str:
    return format_decimal(value, format="#,##0.##")


@bp.post("/forms/<public_id>/answer")
def answer(public_id: str):
    now = utcnow()
    form = services.load_form(public_id)
    if form is None:
        abort(404)
    post = form.post
    targets = services.answer_targets(current_user, post, form, now)
    chosen = batch.chosen_targets(form, targets, request.form.getlist("child"))
    # Not a guardian of a child concerned, a forged child, or no legal authority: nothing to see.
    if chosen is None:
        abort(404)
    back = url_for("posts.detail", public_id=post.public_id, _anchor="answers")
    if not form.is_open(now):
        flash(_("The deadline has passed: answers can no longer be given or changed."), "error")
        return redirect(back)
    submission = batch.read(form, current_user, targets, chosen, request.form)
    if not submission.validate():
        return render_template("forms/answer.html", post=post, post_form=form, entries=submission.entries,
                               errors=submission.error_links(), deadline_dt=form.deadline_dt)
    batch.save(form, current_user, submission, now)
    db.session.commit()
    if len(chosen) > 1:
        flash(_("Your answers have been saved. You can change them until the deadline."), "success")
    else:
        flash(_("Your answer has been saved. You can change it until the deadline."), "success")
    return redirect(back)


def _results_of(public_id: str):
    """The form's results for their viewer: the post's author or its school's director (else 404)."""
    form = services.load_form(public_id)
    reach = rules.reach_of(current_user)
    if form is None or not rules.can_see_form_results(current_user, form.post, reach):
        abort(404)
    visible_child_ids = rules.visible_children(current_user, reach).with_only_columns(Child.id)
    return form, form_results(form, form.post, visible_child_ids)


@bp.get("/forms/<public_id>/results")
def results(public_id: str):
    form, found = _results_of(public_id)
    record("child.view", actor=current_user, target=form, details={"page": "results"})
    page = render_template("forms/results.html", post=form.post, post_form=form, results=found,
                           is_open=form.is_open(utcnow()))
    db.session.commit()  # after rendering, so the page does not reload what it already has
    return page


@bp.get("/forms/<public_id>/results.csv")
def results_csv(public_id: str):
    form, found = _results_of(public_id)
    body = csv_export.results_csv(found)
    name = secure_filename(form.post.title)[:60] or "answers"
    record("child.view", actor=current_user, target=form, details={"page": "results_csv"})
    db.session.commit()
    return Response(
        body.encode("utf-8"),
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{name}.csv"',
        },
    )
