from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, StringField
from wtforms.validators import InputRequired, ValidationError

from ent_lite.school.services import is_school_year


def school_year_format(form, field) -> None:
    if not is_school_year(field.data.strip()):
        raise ValidationError(_l("Write the school year as 2026-2027."))


class RosterForm(FlaskForm):
    roster = FileField(_l("Roster file (CSV)"), validators=[FileRequired(message=_l("Choose a file."))])
    school_year = StringField(_l("School year"), validators=[
        InputRequired(message=_l("This field is required.")), school_year_format])
    dry_run = BooleanField(_l("Only check the file and show what would change, without saving"))
