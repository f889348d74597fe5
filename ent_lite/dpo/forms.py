"""The guardian's request form, the DPO's answer, erasure confirmation and audit search."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, StopValidation, ValidationError

from ent_lite.core.localtime import NearToday
from ent_lite.dpo.models import RequestKind
from ent_lite.dpo.services import MAX_ANSWER_LENGTH, MAX_MESSAGE_LENGTH

KIND_LABELS = {
    RequestKind.ERASURE: _l("Erase my account and my data"),
    RequestKind.CHILD_CORRECTION: _l("Correct my child's data"),
    RequestKind.OBJECTION: _l("Object to a use of my data or my child's"),
    RequestKind.OTHER: _l("Another question about my data"),
}
# Kinds that mean nothing without an explanation.
MESSAGE_REQUIRED = (RequestKind.CHILD_CORRECTION, RequestKind.OBJECTION, RequestKind.OTHER)
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
BAD_DATE = _l("Enter the date as day, month and year, for example 30/06/2026.")
NO_CHILD = ""


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class RequestForm(FlaskForm):
    kind = RadioField(_l("What do you ask?"), validate_choice=False,
                      choices=[SelectChoice(kind, label) for kind, label in KIND_LABELS.items()])
    child = SelectField(_l("About which child"), choices=[], validate_choice=False)
    message = TextAreaField(
        _l("Your message"),
        filters=[_strip],
        validators=[Length(max=MAX_MESSAGE_LENGTH, message=_l("The message can have at most %(max)d characters."))],
    )

    def offer(self, children) -> None:
        """The guardian's own children; any other value is refused next to the field."""
        self.allowed = {child.public_id: child for child in children}
        self.child.choices = [SelectChoice(NO_CHILD, _("None in particular"))] + [
            SelectChoice(child.public_id, child.display_name) for child in children]

    def chosen_child(self):
        return self.allowed.get(self.child.data or NO_CHILD)

    def validate_kind(self, field) -> None:
        if field.data not in KIND_LABELS:
            raise StopValidation(_("Choose what you ask."))

    def validate_child(self, field) -> None:
        value = field.data or NO_CHILD
        if value != NO_CHILD and value not in self.allowed:
            raise ValidationError(_("Choose among your children."))
        if value == NO_CHILD and self.kind.data == RequestKind.CHILD_CORRECTION and self.allowed:
            raise ValidationError(_("Choose the child whose data is wrong."))

    def validate_message(self, field) -> None:
        if not field.data and self.kind.data in MESSAGE_REQUIRED:
            raise ValidationError(_("Explain your request."))


class AnswerForm(FlaskForm):
    answer = TextAreaField(
        _l("Answer to the guardian"),
        filters=[_strip],
        validators=[Length(max=MAX_ANSWER_LENGTH, message=_l("The answer can have at most %(max)d characters."))],
    )
    decision = RadioField(_l("Decision"), validate_choice=False,
                          choices=[SelectChoice("done", _l("Done")), SelectChoice("refused", _l("Refused"))])

    def validate_decision(self, field) -> None:
        if field.data not in ("done", "refused"):
            raise StopValidation(_("Choose done or refused."))

    def validate_answer(self, field) -> None:
        # A refusal must give its reasons (GDPR article 12(4)).
        if not field.data and self.decision.data == "refused":
            raise ValidationError(_("Give the reasons for the refusal."))


class EraseForm(FlaskForm):
    confirm = BooleanField(_l("I have checked this request and confirm the erasure"),
                           validators=[DataRequired(message=_l("Tick the box to confirm."))])


class AuditSearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search that changes nothing but the audit log

    actor = StringField(_l("Actor"), filters=[_strip], validators=[Optional(), Length(max=254)])
    action = StringField(_l("Action"), filters=[_strip], validators=[Optional(), Length(max=64)])
    since = DateField(_l("From"), validators=[Optional(), NearToday()], format=DATE_FORMATS,
                      invalid_value_message=BAD_DATE)
    until = DateField(_l("To"), validators=[Optional(), NearToday()], format=DATE_FORMATS,
                      invalid_value_message=BAD_DATE)

    def validate_until(self, field) -> None:
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(_("The end date comes before the start date."))
