"""The periscolaire pages' forms: the fields are checked by the services."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField


class CutoffForm(FlaskForm):
    cutoff = StringField(_l("Absence notices for today until"))


class EnrolForm(FlaskForm):
    """The ticked children come as repeated ``child`` values (their public ids)."""


class RemoveForm(FlaskForm):
    child = StringField()
