"""The answer form a guardian fills in, built from a form's questions, and how values read.

Values are stored as text: "yes"/"no", a choice's text, a JSON list of choices, a short text,
or a number written with a dot ("2.5"). ``display_value`` turns them back into what people
read, in their language.
"""
from __future__ import annotations

import json
import re
from decimal import Decimal

from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import Form, RadioField, SelectChoice, SelectMultipleField, StringField
from wtforms.validators import StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ent_lite.core.dates import format_day
from ent_lite.forms.models import NO, YES, Question, QuestionKind
from ent_lite.privacy import retention

MAX_TEXT_LENGTH = 500
# Plain notation only, up to 9 digits and 6 decimals: "1e-999999" would otherwise be stored as
# a million characters.
NUMBER_PATTERN = re.compile(r"[+-]?\d{1,9}(\.\d{1,6})?|[+-]?\.\d{1,6}")


def question_label(question: Question) -> str:
    """The text of a question as shown to this reader."""
    if question.kind == QuestionKind.CONSENT:
        return _("I authorise my child to take part")
    return question.label


def health_note(question: Question) -> str | None:
    """What a family reads under a "health or allergy" question: when its answer is blanked."""
    if not question.is_health:
        return None
    return _("Health or allergy information: the answer is deleted on %(date)s.",
             date=format_day(retention.deletion_date(question)))


def field_name(question: Question) -> str:
    return f"q{question.position}"


def parse_number(text: str) -> Decimal | None:
    """A number typed the French or English way ("2,5" or "2.5"); None when unreadable."""
    cleaned = "".join((text or "").split()).replace(",", ".")  # split() also drops no-break spaces
    if not NUMBER_PATTERN.fullmatch(cleaned):
        return None
    return Decimal(cleaned)


def _required(message):
    def check(form, field):
        if not field.data or (isinstance(field.data, str) and not field.data.strip()):
            raise StopValidation(str(message))

    return check


def _optional(form, field):
    if not field.data or (isinstance(field.data, str) and not field.data.strip()):
        field.errors[:] = []
        raise StopValidation()


def _among(allowed: list[str]):
    def check(form, field):
        values = field.data if isinstance(field.data, list) else [field.data]
        if any(value not in allowed for value in values):
            raise ValidationError(_("Choose among the options listed."))

    return check


def _number(form, field):
    if parse_number(field.data) is None:
        raise ValidationError(_("Enter a number, for example 2 or 2,5."))


def _text_length(form, field):
    if len(field.data.strip()) > MAX_TEXT_LENGTH:
        raise ValidationError(_("The answer can have at most %(max)d characters.", max=MAX_TEXT_LENGTH))


def _field_for(question: Question):
    field = _unlabelled_field_for(question)
    field.kwargs["description"] = health_note(question) or ""
    return field


def _unlabelled_field_for(question: Question):
    label = question_label(question) if question.is_required else _("%(question)s (optional)",
                                                                     question=question_label(question))
    first = _required(_l("Answer this question.")) if question.is_required else _optional
    if question.kind in QuestionKind.YES_NO_LIKE:
        choices = [SelectChoice(YES, _("Yes")), SelectChoice(NO, _("No"))]
        return RadioField(label, choices=choices, validate_choice=False,
                          validators=[first, _among([YES, NO])])
    if question.kind == QuestionKind.SINGLE:
        options = question.choices
        return RadioField(label, choices=[SelectChoice(c) for c in options], validate_choice=False,
                          validators=[first, _among(options)])
    if question.kind == QuestionKind.MULTIPLE:
        options = question.choices
        return SelectMultipleField(
            label, choices=[SelectChoice(c) for c in options], validate_choice=False,
            widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
            validators=[first, _among(options)],
        )
    if question.kind == QuestionKind.NUMBER:
        return StringField(label, validators=[first, _number], render_kw={"inputmode": "decimal"})
    return StringField(label, validators=[first, _text_length])


def answer_form_class(questions: list[Question]) -> type[Form]:
    """A form with one field per question, named q<position>. No CSRF field of its own: the
    app-wide CSRF protection checks every POST, and several of these forms share a page."""

    class AnswerForm(Form):
        pass

    for question in questions:
        setattr(AnswerForm, field_name(question), _field_for(question))
    return AnswerForm


def stored_value(question: Question, data) -> str | None:
    """What to store for a validated field's data; None when left empty."""
    if question.kind == QuestionKind.MULTIPLE:
        chosen = [c for c in question.choices if c in (data or [])]  # in the author's order
        return json.dumps(chosen, ensure_ascii=False) if chosen else None
    if question.kind == QuestionKind.NUMBER:
        number = parse_number(data or "")
        return format(number.normalize(), "f") if number is not None else None
    text = (data or "").strip() if isinstance(data, str) else data
    return text or None


def form_data(question: Question, value: str | None):
    """A stored value as the form field's data, to show the current answer."""
    if value is None:
        return None
    if question.kind == QuestionKind.MULTIPLE:
        return json.loads(value)
    if question.kind == QuestionKind.NUMBER:
        return format_decimal(Decimal(value), format="0.##########")
    return value


def display_value(question: Question, value: str | None) -> str:
    """A stored value as people read it, in their language; "" for no answer."""
    if value is None:
        return ""
    if question.kind in QuestionKind.YES_NO_LIKE:
        return _("Yes") if value == YES else _("No")
    if question.kind == QuestionKind.MULTIPLE:
        return ", ".join(json.loads(value))
    if question.kind == QuestionKind.NUMBER:
        return format_decimal(Decimal(value), format="#,##0.##########")
    return value
