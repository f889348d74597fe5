from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectChoice, SelectField, StringField
from wtforms.validators import InputRequired, ValidationError

from ent_lite.periscolaire.kinds import KIND_LABELS
from ent_lite.school.services import is_school_year


def school_year_format(form, field) -> None:
    if not is_school_year(field.data.strip()):
        raise ValidationError(_l("Write the school year as 2026-2027."))


class RosterForm(FlaskForm):
    roster = FileField(_l("Roster file (CSV)"), validators=[FileRequired(message=_l("Choose a file."))])
    school_year = StringField(_l("School year"), validators=[
        InputRequired(message=_l("This field is required.")), school_year_format])
    dry_run = BooleanField(_l("Only check the file and show what would change, without saving"))


class EstablishmentForm(FlaskForm):
    """A new city service or periscolaire site; the service checks the values."""

    kind = SelectField(_l("Kind"), choices=[
        SelectChoice("service", _l("City service")), SelectChoice("periscolaire", _l("Periscolaire site"))], validate_choice=False)
    name = StringField(_l("Name"))
    district = StringField(_l("District (optional)"))


class EstablishmentEditForm(FlaskForm):
    name = StringField(_l("Name"))
    district = StringField(_l("District (optional)"))


class GroupForm(FlaskForm):
    group_name = StringField(_l("Name of the group"))
    # Periscolaire sites only; the service checks it (a class or a team has none).
    periscolaire_kind = SelectField(_l("When the group looks after the children"), choices=[
        SelectChoice("", _l("Choose…"))] + [SelectChoice(k, label) for k, label in KIND_LABELS.items()],
        validate_choice=False)


class ReviewForm(FlaskForm):
    """One decision on a held guardian: the pressed button names it; the service checks both."""

    decision = StringField()
    email = StringField(_l("Their email address"))
