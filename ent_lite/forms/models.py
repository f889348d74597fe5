"""Polls and authorisations attached to a post, and the guardians' answers."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ent_lite.core.db_types import PublicId, UTCDateTime, new_public_id, utcnow
from ent_lite.extensions import db


class FormKind:
    AUTHORISATION = "authorisation"
    POLL = "poll"
    ALL = (AUTHORISATION, POLL)


class AnsweredPer:
    """Who one answer stands for.

    - ``child``: one answer per child concerned, shared by the child's guardians (either may
      change it; the last one to answer is kept as the respondent).
    - ``family``: one answer per guardian ACCOUNT. The roster has no "household": two
      guardians who share a child have two accounts and so may give two answers.
    Authorisations are always per child.
    """

    CHILD = "child"
    FAMILY = "family"
    ALL = (CHILD, FAMILY)


class QuestionKind:
    # The fixed first question of an authorisation; its text is translated when shown,
    # never stored, so each reader sees it in their language.
    CONSENT = "consent"
    YES_NO = "yes_no"
    SINGLE = "single"
    MULTIPLE = "multiple"
    TEXT = "text"
    NUMBER = "number"
    AUTHOR_KINDS = (YES_NO, SINGLE, MULTIPLE, TEXT, NUMBER)
    WITH_CHOICES = (SINGLE, MULTIPLE)
    YES_NO_LIKE = (CONSENT, YES_NO)


YES = "yes"
NO = "no"


class PostForm(db.Model):
    """The poll or authorisation of one post (at most one per post)."""

    __tablename__ = "post_form"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(PublicId(), unique=True, default=new_public_id)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    answered_per: Mapped[str] = mapped_column(String(10), default=AnsweredPer.CHILD)
    deadline_dt: Mapped[datetime] = mapped_column(UTCDateTime())
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    post = relationship("Post")
    questions: Mapped[list[Question]] = relationship(
        back_populates="form", cascade="all, delete-orphan", order_by="Question.position"
    )

    @property
    def per_child(self) -> bool:
        return self.kind == FormKind.AUTHORISATION or self.answered_per == AnsweredPer.CHILD

    def is_open(self, now: datetime) -> bool:
        return now < self.deadline_dt


class Question(db.Model):
    __tablename__ = "form_question"
    __table_args__ = (UniqueConstraint("form_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("post_form.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column()
    kind: Mapped[str] = mapped_column(String(20))
    # Empty for the consent question, whose text comes from the catalogue.
    label: Mapped[str] = mapped_column(String(300), default="")
    # JSON list of the choices' texts, for single and multiple choice questions.
    choices_json: Mapped[str] = mapped_column(Text, default="[]")
    is_required: Mapped[bool] = mapped_column(Boolean, default=True)
    # Marked by its author: the answers hold health or allergy information, blanked by the
    # purge shortly after the deadline (retention category "health_answers", PRIVACY.md 10).
    is_health: Mapped[bool] = mapped_column(Boolean, default=False)

    form: Mapped[PostForm] = relationship(back_populates="questions")

    @property
    def choices(self) -> list[str]:
        return json.loads(self.choices_json or "[]")

    @choices.setter
    def choices(self, values: list[str]) -> None:
        self.choices_json = json.dumps(list(values), ensure_ascii=False)


class Response(db.Model):
    """One answer to a form: for a child, or for a guardian account (see AnsweredPer).

    ``respondent_key`` ("child:<id>" or "family:<hash of the children>") is unique per form,
    so a double submit or two guardians answering at once update one row instead of adding
    a second.
    """

    __tablename__ = "form_response"
    __table_args__ = (UniqueConstraint("form_id", "respondent_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(PublicId(), unique=True, default=new_public_id)
    form_id: Mapped[int] = mapped_column(ForeignKey("post_form.id", ondelete="CASCADE"))
    child_id: Mapped[int | None] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), index=True)
    # Who answered last; kept when that account is erased so the child's answer survives.
    respondent_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    respondent_key: Mapped[str] = mapped_column(String(40))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    answers: Mapped[list[Answer]] = relationship(back_populates="response", cascade="all, delete-orphan")
    child = relationship("Child")
    respondent = relationship("User")


class Answer(db.Model):
    """The value given to one question: "yes"/"no", a choice's text, a JSON list of choices,
    a short text or a number written with a dot."""

    __tablename__ = "form_answer"
    __table_args__ = (UniqueConstraint("response_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("form_response.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("form_question.id", ondelete="CASCADE"), index=True)
    value: Mapped[str] = mapped_column(Text)

    response: Mapped[Response] = relationship(back_populates="answers")


def respondent_key(child_id: int) -> str:
    return f"child:{child_id}"


def family_key(child_ids: Iterable[int]) -> str:
    """A family = the children a guardian has among those the post concerns: the two parents
    of the same children share one answer; a parent with other children answers apart."""
    digest = hashlib.sha256(",".join(str(i) for i in sorted(set(child_ids))).encode()).hexdigest()
    return f"family:{digest[:32]}"
