"""The catalogue's filters: a plain GET form (no JavaScript), shared by the page and the feeds.

Every value a visitor can type is checked here with a translated message; a bad value never
reaches a query (and so never ends in a 500).
"""
from __future__ import annotations

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectChoice, SelectField, StringField
from wtforms.validators import Optional, ValidationError

from ent_lite.activities.catalogue import Filters
from ent_lite.activities.describe import CATEGORY_LABELS
from ent_lite.activities.eligibility import MAX_AGE
from ent_lite.core.localtime import BAD_DATE, DATE_FORMATS, NearToday
from ent_lite.school.models import LEVELS



class CatalogueFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search that changes nothing

    age = StringField(_l("Age of the child (years)"), filters=[lambda v: v.strip() if isinstance(v, str) else v])
    level = SelectField(_l("School level"), validate_choice=False,
                        choices=[SelectChoice("", _l("Any level"))] + [SelectChoice(level, level) for level in LEVELS])
    category = SelectField(_l("Kind of activity"), validate_choice=False,
                           choices=[SelectChoice("", _l("Any kind"))]
                           + [SelectChoice(value, label) for value, label in CATEGORY_LABELS.items()])
    since = DateField(_l("From"), validators=[Optional(), NearToday()], format=DATE_FORMATS,
                      invalid_value_message=BAD_DATE)
    until = DateField(_l("To"), validators=[Optional(), NearToday()], format=DATE_FORMATS,
                      invalid_value_message=BAD_DATE)
    free = BooleanField(_l("Only activities with places left"))

    def validate_age(self, field) -> None:
        if not field.data:
            return
        if not re.fullmatch(r"[0-9]{1,2}", field.data) or int(field.data) > MAX_AGE:
            raise ValidationError(_("Enter an age in whole years, from 0 to %(max)d.", max=MAX_AGE))

    def validate_level(self, field) -> None:
        if field.data and field.data not in LEVELS:
            raise ValidationError(_("Choose a school level from the list."))

    def validate_category(self, field) -> None:
        if field.data and field.data not in CATEGORY_LABELS:
            raise ValidationError(_("Choose a kind of activity from the list."))

    def validate_until(self, field) -> None:
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(_("The end date comes before the start date."))

    def filters(self) -> Filters:
        """The checked values; call only after ``validate()`` succeeded."""
        return Filters(age=int(self.age.data) if self.age.data else None, level=self.level.data or None,
                       category=self.category.data or None, since=self.since.data, until=self.until.data,
                       free_only=bool(self.free.data))

    def query_args(self) -> dict[str, str]:
        """The filters as they came, for the pager's and the feeds' links."""
        args = {name: self[name].raw_data[0] for name in ("age", "level", "category", "since", "until", "free")
                if self[name].raw_data and self[name].raw_data[0]}
        return args
