"""The guardian's contact-data form. Every validator carries its own translated message."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp

from ent_lite.accounts.password_policy import MAX_LENGTH


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class ContactForm(FlaskForm):
    email = EmailField(_l("Email address"), filters=[_strip], validators=[
        DataRequired(message=_l("This field is required.")),
        Length(max=254, message=_l("An email address has at most 254 characters.")),
        Email(message=_l("Enter an email address such as name@example.org.")),
    ])
    phone = StringField(_l("Phone number"), filters=[_strip], validators=[
        Optional(),
        Length(max=30, message=_l("A phone number has at most 30 characters.")),
        Regexp(r"^\+?[0-9][0-9 .\-()]{5,}$", message=_l("Enter a phone number such as 06 12 34 56 78.")),
    ])
    # Checked only when the email changes (in the service): the address is what a password
    # reset goes to, so a borrowed session must not be enough to take the account.
    current_password = PasswordField(_l("Current password"), validators=[
        Optional(), Length(max=MAX_LENGTH * 4, message=_l("This is not your current password.")),
    ])
