"""The absence form: which children, which days (today, another day, several days), to whom,
and an optional reason. The form checks what was typed; the rules (past days, the cutoff, the
period) are the service's, asked again when it writes."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, RadioField, SelectChoice, SelectMultipleField, TextAreaField
from wtforms.validators import Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ent_lite.absences.services import REASON_MAX_LENGTH, AbsenceFields
from ent_lite.core.localtime import BAD_DATE, DATE_FORMATS, NearToday

TODAY, ONE_DAY, SEVERAL_DAYS = "today", "day", "days"


def _date_field(label):
    return DateField(label, validators=[Optional(), NearToday(1)], format=DATE_FORMATS,
                     invalid_value_message=BAD_DATE)


class AbsenceForm(FlaskForm):
    children = SelectMultipleField(_l("Which child?"), choices=[], validate_choice=False,
                                   widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    when = RadioField(_l("When?"), default=TODAY, validate_choice=False, choices=[
        SelectChoice(TODAY, _l("Today")), SelectChoice(ONE_DAY, _l("Another day")),
        SelectChoice(SEVERAL_DAYS, _l("Several days"))])
    day = _date_field(_l("Day"))
    first_day = _date_field(_l("First day"))
    last_day = _date_field(_l("Last day (included)"))
    to_school = BooleanField(_l("At school"))
    to_periscolaire = BooleanField(_l("At the periscolaire"))
    reason = TextAreaField(_l("Reason (optional)"), filters=[lambda text: (text or "").strip()],
                           validators=[Length(max=REASON_MAX_LENGTH)])

    def offer(self, children) -> None:
        """The family's children, as boxes to tick by their random public id."""
        self.children.choices = [SelectChoice(child.public_id, child.first_name) for child in children]

    def validate_children(self, field) -> None:
        offered = {choice.value for choice in field.choices}
        if not field.data:
            raise ValidationError(_("Choose at least one child."))
        if not set(field.data) <= offered:
            raise ValidationError(_("Choose among the children listed."))

    def validate_when(self, field) -> None:
        if field.data not in (TODAY, ONE_DAY, SEVERAL_DAYS):
            raise ValidationError(_("Choose today, another day or several days."))

    def validate(self, extra_validators=None) -> bool:
        """The dates the chosen "when" needs (an empty optional date field stops its own checks)."""
        valid = super().validate(extra_validators)
        needed = {ONE_DAY: [(self.day, _("Enter the day of the absence."))],
                  SEVERAL_DAYS: [(self.first_day, _("Enter the first day of the absence.")),
                                 (self.last_day, _("Enter the last day of the absence."))]}
        for field, message in needed.get(self.when.data, []):
            if field.data is None and not field.errors:
                field.errors = [message]
                valid = False
        return valid

    def field_for(self, name: str):
        """The control a service problem about ``name`` is shown next to: the date the family
        typed for the choice they made, else the field of that name."""
        if name in ("first_day", "last_day"):
            if self.when.data == TODAY:
                return self.when
            if self.when.data == ONE_DAY:
                return self.day
        if name == "to_periscolaire" and self.to_periscolaire is None:
            return self.to_school
        return getattr(self, name, None) or self.children

    def fields(self, today: date) -> AbsenceFields:
        if self.when.data == ONE_DAY:
            first = last = self.day.data
        elif self.when.data == SEVERAL_DAYS:
            first, last = self.first_day.data, self.last_day.data
        else:
            first = last = today
        periscolaire = self.to_periscolaire is not None and bool(self.to_periscolaire.data)
        return AbsenceFields(first, last, bool(self.to_school.data), periscolaire, self.reason.data or "")
