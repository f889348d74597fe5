"""Polls and authorisations: attaching one to a post, and the guardians' answers.

Services flush; the view commits. Who may answer for whom is decided in ent_lite.rules.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import joinedload, selectinload

from ent_lite import rules
from ent_lite.accounts.models import Role
from ent_lite.core import upsert
from ent_lite.core.db_types import new_public_id
from ent_lite.extensions import db
from ent_lite.forms import answering
from ent_lite.forms.builder import MAX_LABEL_LENGTH, deadline_from, split_choices
from ent_lite.forms.models import (
    Answer,
    AnsweredPer,
    FormKind,
    PostForm,
    Question,
    QuestionKind,
    Response,
    family_key,
    respondent_key,
)
from ent_lite.forms.results import answer_summary
from ent_lite.notifications import events
from ent_lite.posts.models import Post
from ent_lite.school.models import Child, GuardianLink

# --- writing the form ---------------------------------------------------------------------


def attach_form(post: Post, builder_data: dict, now: datetime) -> PostForm | None:
    """Attach the poll or authorisation described by a validated FormBuilderForm's ``.data``.

    None when the author chose no form. An authorisation is answered per child and starts
    with the consent question; empty question slots are skipped. ``ValueError`` on data the
    builder would have refused (the caller validates first).
    """
    kind = builder_data.get("kind")
    if kind not in FormKind.ALL:
        return None
    deadline = deadline_from(builder_data)
    if deadline is None:
        raise ValueError("a form needs a deadline")
    answered_per = builder_data.get("answered_per")
    if kind == FormKind.AUTHORISATION or answered_per not in AnsweredPer.ALL:
        answered_per = AnsweredPer.CHILD
    questions = []
    if kind == FormKind.AUTHORISATION:
        questions.append(Question(kind=QuestionKind.CONSENT, label="", is_required=True))
    for slot in builder_data.get("questions") or []:
        label = (slot.get("text") or "").strip()
        choices = split_choices(slot.get("choices"))
        if not label and not choices:
            continue
        question_kind = slot.get("kind")
        if not label or question_kind not in QuestionKind.AUTHOR_KINDS:
            raise ValueError("a question needs a text and a known type")
        if (question_kind in QuestionKind.WITH_CHOICES) != bool(choices) or 0 < len(choices) < 2:
            raise ValueError("choice questions need two choices or more, other questions none")
        question = Question(kind=question_kind, label=label[:MAX_LABEL_LENGTH], is_required=not slot.get("is_optional"),
                            is_health=bool(slot.get("is_health")))
        question.choices = choices
        questions.append(question)
    if not questions:
        raise ValueError("a poll needs at least one question")
    for position, question in enumerate(questions, start=1):
        question.position = position
    form = PostForm(post=post, kind=kind, answered_per=answered_per, deadline_dt=deadline, created_dt=now,
                    questions=questions)
    db.session.add(form)
    db.session.flush()
    events.form_attached(post, deadline)
    return form


# --- loading ------------------------------------------------------------------------------

def form_of_post(post: Post) -> PostForm | None:
    return db.session.scalar(
        select(PostForm).where(PostForm.post_id == post.id).options(selectinload(PostForm.questions))
    )


def load_form(public_id: str) -> PostForm | None:
    """A form with its questions and its post (audience and sender loaded)."""
    return db.session.scalar(
        select(PostForm).where(PostForm.public_id == public_id)
        .options(selectinload(PostForm.questions),
                 joinedload(PostForm.post).selectinload(Post.audience),
                 joinedload(PostForm.post).joinedload(Post.establishment))
    )


# --- answering ----------------------------------------------------------------------------

@dataclass(frozen=True)
class AnswerTarget:
    """What a guardian answers for: one of their children, or their family."""

    key: str
    can_answer: bool
    child_id: int | None = None
    child_public_id: str | None = None
    first_name: str | None = None
    group_name: str | None = None

    @property
    def prefix(self) -> str:
        """Field-name prefix, so the forms of two children on one page keep distinct ids."""
        return f"c_{self.child_public_id}" if self.child_public_id else "family"


def answer_targets(user, post: Post, form: PostForm, now: datetime,
                   reach: rules.Reach | None = None) -> list[AnswerTarget]:
    """Whom this guardian answers for; [] for anyone else (one query besides the reach)."""
    places = rules.concerned_children(user, post, now, reach)
    if not places:
        return []
    if not form.per_child:
        return [AnswerTarget(key=family_key(p.child_id for p in places), can_answer=True)]
    rows = db.session.execute(
        select(GuardianLink.child_id, GuardianLink.legal_authority, Child.public_id)
        .join(Child, Child.id == GuardianLink.child_id)
        .where(GuardianLink.user_id == user.id, GuardianLink.child_id.in_([p.child_id for p in places]))
    ).all()
    links = {child_id: (authority, public_id) for child_id, authority, public_id in rows}
    return [
        AnswerTarget(
            key=respondent_key(place.child_id),
            can_answer=rules.may_answer_for_child(form.kind, links[place.child_id][0]),
            child_id=place.child_id,
            child_public_id=links[place.child_id][1],
            first_name=place.first_name,
            group_name=place.group_name,
        )
        for place in places if place.child_id in links
    ]


def responses_by_key(form: PostForm, keys) -> dict[str, Response]:
    keys = sorted(set(keys))
    if not keys:
        return {}
    responses = db.session.scalars(
        select(Response).where(Response.form_id == form.id, Response.respondent_key.in_(keys))
        .options(selectinload(Response.answers))
        .execution_options(populate_existing=True)
    )
    return {response.respondent_key: response for response in responses}


def save_answers(form: PostForm, user, target: AnswerTarget, values: dict[int, str | None], now: datetime) -> int:
    """Store the answers for one target: ``values`` maps every question id to its stored
    value (None clears it). Returns the response id.

    Atomic upserts on the unique (form, respondent key) and (response, question): a double
    submit, or two guardians answering for one child at the same moment, update one row.
    """
    response_id = db.session.execute(
        upsert.insert(Response)
        .values(public_id=new_public_id(), form_id=form.id, child_id=target.child_id, respondent_id=user.id,
                respondent_key=target.key, created_dt=now, updated_dt=now)
        .on_conflict_do_update(index_elements=["form_id", "respondent_key"],
                               set_={"respondent_id": user.id, "updated_dt": now})
        .returning(Response.id)
    ).scalar_one()
    cleared = [question_id for question_id, value in values.items() if value is None]
    if cleared:
        db.session.execute(delete(Answer).where(Answer.response_id == response_id, Answer.question_id.in_(cleared)))
    for question_id, value in values.items():
        if value is None:
            continue
        db.session.execute(
            upsert.insert(Answer).values(response_id=response_id, question_id=question_id, value=value)
            .on_conflict_do_update(index_elements=["response_id", "question_id"], set_={"value": value})
        )
    return response_id


def values_from(form: PostForm, answer_form) -> dict[int, str | None]:
    """The stored value of each question from a validated answer form."""
    return {
        question.id: answering.stored_value(question, answer_form[answering.field_name(question)].data)
        for question in form.questions
    }


# --- the panel on the post page -----------------------------------------------------------

@dataclass
class PanelEntry:
    target: AnswerTarget
    response: Response | None
    # (question, text shown) for the current answer.
    shown: list[tuple[Question, str]] = field(default_factory=list)
    answer_form: object | None = None  # the editable form, when the reader may answer now
    by_me: bool = False


def panel_entry(form: PostForm, target: AnswerTarget, response: Response | None, user, is_open: bool,
                answer_form_class, formdata=None) -> PanelEntry:
    """One child's (or the family's) block: the current answer and, when allowed, the form.

    ``formdata`` given: the form shows what was just typed (after a validation error).
    """
    values = {a.question_id: a.value for a in response.answers} if response else {}
    entry = PanelEntry(
        target=target,
        response=response,
        shown=[(q, answering.display_value(q, values.get(q.id))) for q in form.questions],
        by_me=response is not None and response.respondent_id == user.id,
    )
    if target.can_answer and is_open:
        # Typed values, or else the current answer (never a mix of both).
        data = None if formdata is not None else {
            answering.field_name(q): answering.form_data(q, values.get(q.id)) for q in form.questions
        }
        entry.answer_form = answer_form_class(formdata=formdata, prefix=target.prefix, data=data)
    return entry


def form_panel(user, post: Post, now: datetime) -> dict | None:
    """What the post page shows about the post's form, or None when there is nothing to show.

    Keys: ``post_form``, ``questions``, ``is_open``, ``deadline_dt``, ``is_guardian``,
    ``entries`` (one PanelEntry per child concerned, or one for a per-family poll),
    ``can_see_results`` and ``summary`` ((answered, expected) for the author; expected is None
    for a per-family poll). The post page includes forms/_panel.html with ``panel`` set to it.
    """
    form = form_of_post(post)
    if form is None:
        return None
    reach = rules.reach_of(user)
    can_see_results = rules.can_see_form_results(user, post, reach)
    if not can_see_results and not rules.can_read_post(user, post, now, reach):
        return None
    is_open = form.is_open(now)
    panel = {
        "post_form": form,
        "questions": form.questions,
        "is_open": is_open,
        "deadline_dt": form.deadline_dt,
        "is_guardian": reach.role == Role.GUARDIAN,
        "entries": [],
        "can_see_results": can_see_results,
        "summary": None,
    }
    if can_see_results:
        panel["summary"] = answer_summary(form, post)
    if reach.role == Role.GUARDIAN:
        targets = answer_targets(user, post, form, now, reach)
        responses = responses_by_key(form, [t.key for t in targets])
        answer_form_class = answering.answer_form_class(form.questions)
        panel["entries"] = [
            panel_entry(form, t, responses.get(t.key), user, is_open, answer_form_class) for t in targets
        ]
    return panel
