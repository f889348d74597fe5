"""The periscolaire pages' forms: the fields are checked by the services."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField

from ent_lite.periscolaire.kinds import KIND_LABELS


class CutoffForm(FlaskForm):
    cutoff = StringField(_l("Absence notices for today until"))


class EnrolForm(FlaskForm):
    """The ticked children come as repeated ``child`` values (their public ids)."""


class RemoveForm(FlaskForm):
    child = StringField()


class KindForm(FlaskForm):
    """The group's kind; anything but one of the five kinds is refused by the view."""

    periscolaire_kind = SelectField(_l("When the group looks after the children"), choices=[
        SelectChoice("", _l("Choose…"))] + [SelectChoice(k, label) for k, label in KIND_LABELS.items()],
        validate_choice=False)
