"""The poll / authorisation builder shown inside the compose page.

A plain ``wtforms.Form`` (the compose FlaskForm carries the CSRF token) meant to be nested as
``poll = FormField(FormBuilderForm)``. It works without JavaScript: one empty question slot is
shown, and the "Add a question" button (a submit, ADD_QUESTION) sends the form back with one
more, keeping what was typed; empty slots are ignored.
"""
from __future__ import annotations

from datetime import datetime, time

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (BooleanField, DateField, FieldList, Form, FormField, RadioField, SelectChoice, SelectField,
                     StringField, TextAreaField, TimeField)
from wtforms.validators import Length, Optional

from ent_lite.core.db_types import utcnow
from ent_lite.core.localtime import NearToday, local_to_utc
from ent_lite.forms.models import AnsweredPer, FormKind, QuestionKind

NONE = "none"
# One empty slot to start with; more are added one at a time, up to MAX_QUESTIONS.
QUESTION_SLOTS = 1
MAX_QUESTIONS = 20
# The name of the submit button that asks for one more slot.
ADD_QUESTION = "add_question"
MAX_LABEL_LENGTH = 300
MAX_CHOICES = 20
MAX_CHOICE_LENGTH = 200
# Without a time the deadline is the end of the chosen day.
END_OF_DAY = time(23, 59)

FORM_KIND_LABELS = {
    NONE: _l("None"),
    FormKind.AUTHORISATION: _l("Authorisation (answered for each child by a guardian with legal authority)"),
    FormKind.POLL: _l("Poll"),
}
ANSWERED_PER_LABELS = {
    AnsweredPer.CHILD: _l("One answer per child"),
    AnsweredPer.FAMILY: _l("One answer per family"),
}
QUESTION_KIND_LABELS = {
    QuestionKind.YES_NO: _l("Yes or no"),
    QuestionKind.SINGLE: _l("One choice among several"),
    QuestionKind.MULTIPLE: _l("Several choices possible"),
    QuestionKind.TEXT: _l("Short text"),
    QuestionKind.NUMBER: _l("Number"),
}


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def split_choices(text: str | None) -> list[str]:
    """One choice per line; blank lines and repeated choices are dropped."""
    lines = (line.strip() for line in (text or "").splitlines())
    return list(dict.fromkeys(line for line in lines if line))


def deadline_from(data: dict) -> datetime | None:
    day = data.get("deadline_date")
    return local_to_utc(day, data.get("deadline_time") or END_OF_DAY) if day else None


class QuestionSlotForm(Form):
    """One question slot; a slot whose text and choices are empty is ignored."""

    text = StringField(
        _l("Question"),
        filters=[_strip],
        validators=[Length(max=MAX_LABEL_LENGTH, message=_l("A question can have at most %(max)d characters."))],
    )
    kind = SelectField(
        _l("Type of answer"),
        choices=[SelectChoice(kind, label) for kind, label in QUESTION_KIND_LABELS.items()],
        default=QuestionKind.YES_NO,
        validate_choice=False,
    )
    choices = TextAreaField(_l("Choices, one per line"))
    is_optional = BooleanField(_l("Answering this question is optional"))
    is_health = BooleanField(_l("Health or allergy question"))

    @property
    def is_empty(self) -> bool:
        return not self.text.data and not split_choices(self.choices.data)

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if self.is_empty:
            return True
        ok = True
        if self.kind.data not in QUESTION_KIND_LABELS:
            self.kind.errors.append(_("Choose a type of answer from the list."))
            ok = False
        if not self.text.data:
            self.text.errors.append(_("Write the question, or clear its choices."))
            ok = False
        choices = split_choices(self.choices.data)
        if self.kind.data in QuestionKind.WITH_CHOICES:
            if len(choices) < 2:
                self.choices.errors.append(_("Give at least two choices, one per line."))
                ok = False
            elif len(choices) > MAX_CHOICES:
                self.choices.errors.append(_("Give at most %(max)d choices.", max=MAX_CHOICES))
                ok = False
            elif any(len(choice) > MAX_CHOICE_LENGTH for choice in choices):
                self.choices.errors.append(
                    _("A choice can have at most %(max)d characters.", max=MAX_CHOICE_LENGTH)
                )
                ok = False
        elif choices:
            # Typed choices would silently vanish: say so instead.
            self.choices.errors.append(
                _("Only the two choice types take choices: clear them or change the type of answer.")
            )
            ok = False
        return ok


class FormBuilderForm(Form):
    """The author's choices: no form, an authorisation or a poll, its deadline and questions."""

    kind = RadioField(
        _l("Ask the families"),
        choices=[SelectChoice(kind, label) for kind, label in FORM_KIND_LABELS.items()],
        default=NONE,
        validate_choice=False,
    )
    answered_per = RadioField(
        _l("For a poll"),
        choices=[SelectChoice(per, label) for per, label in ANSWERED_PER_LABELS.items()],
        default=AnsweredPer.CHILD,
        validate_choice=False,
    )
    # Phones send 2026-06-30 from their date picker; a browser without one gets typed text.
    deadline_date = DateField(
        _l("Answer by (date)"), validators=[Optional(), NearToday()], format=["%Y-%m-%d", "%d/%m/%Y"],
        invalid_value_message=_l("Enter the date as day, month and year, for example 30/06/2026."),
    )
    deadline_time = TimeField(
        _l("Answer by (time)"), validators=[Optional()], format=["%H:%M", "%H:%M:%S"],
        invalid_value_message=_l("Enter the time as hours and minutes, for example 18:00."),
    )
    questions = FieldList(FormField(QuestionSlotForm), min_entries=QUESTION_SLOTS, max_entries=MAX_QUESTIONS)

    # Tests may pin the clock; the deadline must lie after it.
    now: datetime | None = None

    @property
    def chosen_kind(self) -> str:
        return self.kind.data if self.kind.data in FORM_KIND_LABELS else NONE

    def validate(self, extra_validators=None) -> bool:
        self.form_errors = []
        if self.kind.data not in FORM_KIND_LABELS:
            self.kind.errors = [_("Choose one of the options.")]
            return False
        if self.kind.data == NONE:
            # Nothing is attached: what the other fields hold does not matter.
            return True
        ok = super().validate(extra_validators)
        if self.kind.data == FormKind.POLL and self.answered_per.data not in ANSWERED_PER_LABELS:
            self.answered_per.errors = [_("Choose one of the options.")]
            ok = False
        ok = self._check_deadline() and ok
        if self.kind.data == FormKind.POLL and not self.filled_slots():
            self.form_errors.append(_("A poll needs at least one question: write it in question 1."))
            ok = False
        return ok

    def _check_deadline(self) -> bool:
        if self.deadline_date.errors or self.deadline_time.errors:
            return False
        if self.deadline_date.data is None:
            self.deadline_date.errors = [_("Choose the date by which families must answer.")]
            return False
        if deadline_from(self.data) <= (self.now or utcnow()):
            self.deadline_date.errors = [_("The deadline must be in the future.")]
            return False
        return True

    def check_deadline_within(self, start: datetime, end: datetime | None) -> bool:
        """The deadline must fall while families see the post: after its publication and, when
        it expires, before that. Call after ``validate``; adds the error next to the date and
        returns False otherwise."""
        if self.chosen_kind == NONE or self.deadline_date.errors or self.deadline_date.data is None:
            return True
        deadline = deadline_from(self.data)
        if deadline <= start:
            self.deadline_date.errors = [_("The deadline must come after the publication of the post.")]
            return False
        if end is not None and deadline > end:
            self.deadline_date.errors = [_("The deadline must come before the post is hidden from families.")]
            return False
        return True

    def add_slot(self) -> bool:
        """One more empty question slot (the "Add a question" button); False at the maximum."""
        if len(self.questions) >= MAX_QUESTIONS:
            return False
        self.questions.append_entry()
        return True

    @property
    def may_add_slot(self) -> bool:
        return len(self.questions) < MAX_QUESTIONS

    @property
    def is_open(self) -> bool:
        """Whether its part of the page starts open: a kind chosen, or something to correct."""
        return self.chosen_kind != NONE or bool(self.errors) or len(self.questions) > QUESTION_SLOTS

    def filled_slots(self) -> list[QuestionSlotForm]:
        return [entry.form for entry in self.questions if not entry.form.is_empty]

