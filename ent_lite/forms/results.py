"""What the author sees: counts per question, who answered what, and who has not answered.

The children a post reaches come from the audience keys' SQL twin, so this list and the
post's read statistics agree. A fixed handful of queries per page, whatever the class size.
"""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import case, func, select

from ent_lite.accounts.models import User
from ent_lite.audience import keys as audience_keys
from ent_lite.extensions import db
from ent_lite.forms import answering
from ent_lite.forms.models import NO, YES, Answer, PostForm, Question, QuestionKind, Response
from ent_lite.posts.models import Post
from ent_lite.posts.stats import reached_child_ids
from ent_lite.school.models import Child, Enrolment, Group, GroupKind, GuardianLink


@dataclass(frozen=True)
class ChildLine:
    child_id: int
    first_name: str
    last_name: str
    class_name: str | None

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass
class ResultRow:
    """One answer: for a child (per-child forms) or from one guardian account (per family)."""

    child: ChildLine | None
    respondent_id: int | None
    respondent_name: str | None  # None once that account is erased
    updated_dt: datetime
    values: dict[int, str]  # question id -> stored value
    children: list[ChildLine] = field(default_factory=list)  # per family: their children reached


@dataclass
class QuestionSummary:
    question: Question
    answered: int = 0
    counts: list[tuple[str, int]] = field(default_factory=list)  # (shown text, count)
    total: Decimal | None = None  # number questions
    mean: Decimal | None = None


@dataclass
class Results:
    form: PostForm
    rows: list[ResultRow]  # the answers the viewer may see by name
    without_answer: list[ChildLine]  # the children without an answer the viewer may see
    reached_count: int  # every child the post reaches
    answered_count: int  # of whom with an answer
    response_count: int  # every answer, named or not
    summaries: list[QuestionSummary]

    @property
    def is_partial(self) -> bool:
        """Some answers or children are counted but not named to this viewer."""
        without = self.reached_count - self.answered_count
        return len(self.rows) < self.response_count or len(self.without_answer) < without


def _class_name(child_id_column):
    """The child's class this school year (periscolaire groups are not classes)."""
    return (
        select(Group.name).join(Enrolment, Enrolment.group_id == Group.id)
        .where(Enrolment.child_id == child_id_column, Group.kind == GroupKind.CLASS,
               Group.school_year == audience_keys.this_school_year())
        .order_by(Group.name).limit(1).scalar_subquery()
    )


def reached_children(post: Post, visible_child_ids) -> list[ChildLine]:
    """The reached children the viewer may see by name, by class then name (one query).

    ``visible_child_ids``: a SELECT of child ids (from ``rules.visible_children``).
    """
    class_name = _class_name(Child.id).label("class_name")
    rows = db.session.execute(
        select(Child.id, Child.first_name, Child.last_name, class_name)
        .where(Child.id.in_(reached_child_ids(post.id)), Child.id.in_(visible_child_ids))
        .order_by(class_name, Child.last_name, Child.first_name, Child.id)
    ).all()
    return [ChildLine(*row) for row in rows]


def reach_counts(form: PostForm, post: Post) -> tuple[int, int]:
    """(children reached, of whom with an answer) in one query. Per family, a child has an
    answer when one of its guardians answered."""
    reached = reached_child_ids(post.id).subquery()
    answered = select(Response.id).where(Response.form_id == form.id)
    if form.per_child:
        answered = answered.where(Response.child_id == reached.c.child_id)
    else:
        answered = answered.join(GuardianLink, GuardianLink.user_id == Response.respondent_id).where(
            GuardianLink.child_id == reached.c.child_id)
    total, with_answer = db.session.execute(
        select(func.count(), func.count(case((answered.exists(), 1)))).select_from(reached)
    ).one()
    return total, with_answer


def answer_summary(form: PostForm, post: Post) -> tuple[int, int | None]:
    """For the post page: (children with an answer, children reached) per child, or
    (answers, None) for a per-family poll."""
    if not form.per_child:
        return db.session.scalar(select(func.count()).where(Response.form_id == form.id)) or 0, None
    total, with_answer = reach_counts(form, post)
    return with_answer, total


def _sort_key(row: ResultRow):
    if row.child is not None:
        return (row.child.class_name or "", row.child.last_name, row.child.first_name)
    return ("", row.respondent_name or "", "")


def form_results(form: PostForm, post: Post, visible_child_ids) -> Results:
    """Every answer counts in the summaries; only children the viewer may see are named
    (a city service sees the counts of a whole-city poll, not the families)."""
    named = reached_children(post, visible_child_ids)
    reached_count, answered_count = reach_counts(form, post)
    respondent = User.first_name + " " + User.last_name
    response_rows = db.session.execute(
        select(Response.id, Response.respondent_id, Response.updated_dt, respondent,
               Child.id, Child.first_name, Child.last_name, _class_name(Response.child_id),
               Response.child_id.in_(visible_child_ids))
        .outerjoin(User, User.id == Response.respondent_id)
        .outerjoin(Child, Child.id == Response.child_id)
        .where(Response.form_id == form.id)
    ).all()
    values: dict[int, dict[int, str]] = defaultdict(dict)
    for response_id, question_id, value in db.session.execute(
        select(Answer.response_id, Answer.question_id, Answer.value)
        .join(Response, Response.id == Answer.response_id).where(Response.form_id == form.id)
    ):
        values[response_id][question_id] = value

    rows, shown = [], []
    for response_id, user_id, updated_dt, name, child_id, first, last, class_name, visible in response_rows:
        child = ChildLine(child_id, first, last, class_name) if child_id is not None else None
        row = ResultRow(child, user_id, name, updated_dt, values[response_id])
        rows.append(row)
        if form.per_child and visible:
            shown.append(row)
    if form.per_child:
        answered_ids = {row.child.child_id for row in rows if row.child}
    else:
        answered_ids = _children_of_respondents(rows, named)
        shown = [row for row in rows if row.children]  # a guardian is named through a child seen
    shown.sort(key=_sort_key)
    return Results(
        form=form,
        rows=shown,
        without_answer=[child for child in named if child.child_id not in answered_ids],
        reached_count=reached_count,
        answered_count=answered_count,
        response_count=len(rows),
        summaries=[summarise(q, [row.values.get(q.id) for row in rows]) for q in form.questions],
    )


def _children_of_respondents(rows: list[ResultRow], named: list[ChildLine]) -> set[int]:
    """Per family: attach each guardian's named children to their row (one query)."""
    by_id = {child.child_id: child for child in named}
    user_ids = {row.respondent_id for row in rows if row.respondent_id is not None}
    links: dict[int, list[ChildLine]] = defaultdict(list)
    if user_ids and by_id:
        for user_id, child_id in db.session.execute(
            select(GuardianLink.user_id, GuardianLink.child_id)
            .where(GuardianLink.user_id.in_(sorted(user_ids)), GuardianLink.child_id.in_(sorted(by_id)))
        ):
            links[user_id].append(by_id[child_id])
    answered: set[int] = set()
    for row in rows:
        row.children = sorted(links.get(row.respondent_id, []), key=lambda c: (c.first_name, c.child_id))
        answered.update(c.child_id for c in row.children)
    return answered


def summarise(question: Question, stored: list[str | None]) -> QuestionSummary:
    """Counts for one question over every answer (None: not answered)."""
    given = [value for value in stored if value is not None]
    summary = QuestionSummary(question, answered=len(given))
    if question.kind in QuestionKind.YES_NO_LIKE:
        counted = Counter(given)
        summary.counts = [(answering.display_value(question, v), counted[v]) for v in (YES, NO)]
    elif question.kind in QuestionKind.WITH_CHOICES:
        counted = Counter()
        for value in given:
            counted.update(json.loads(value) if question.kind == QuestionKind.MULTIPLE else [value])
        # The author's choices in order, then any answer that is no longer a choice.
        options = question.choices + sorted(set(counted) - set(question.choices))
        summary.counts = [(option, counted[option]) for option in options]
    elif question.kind == QuestionKind.NUMBER and given:
        numbers = [Decimal(value) for value in given]
        summary.total = sum(numbers, Decimal(0))
        summary.mean = summary.total / len(numbers)
    return summary
