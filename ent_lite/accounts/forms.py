"""Account forms. Every validator carries its own translated message."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, EmailField, PasswordField, SelectChoice, SelectField, SelectMultipleField,
                     StringField)
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ent_lite.accounts.models import Role
from ent_lite.accounts.password_policy import MAX_LENGTH, PasswordContext, password_problems
from ent_lite.core.i18n import LANGUAGES

ROLE_LABELS = {
    Role.GUARDIAN: _l("Parent or guardian"),
    Role.TEACHER: _l("Teacher"),
    Role.DIRECTOR: _l("School director"),
    Role.ANIMATOR: _l("Periscolaire animator"),
    Role.CITY_AGENT: _l("City agent"),
    Role.ADMIN: _l("Administrator"),
    Role.DPO: _l("Data protection officer"),
}

_required = DataRequired(message=_l("This field is required."))
_email_format = Email(message=_l("Enter an email address such as name@example.org."))
_email_length = Length(max=254, message=_l("An email address has at most 254 characters."))
_name_length = Length(max=100, message=_l("At most 100 characters."))


class LoginForm(FlaskForm):
    email = StringField(_l("Email address"), validators=[_required, _email_length])
    # A bound on what is hashed: megabytes of "password" would tie argon2 up.
    password = PasswordField(_l("Password"), validators=[
        _required, Length(max=MAX_LENGTH * 4, message=_l("Incorrect email address or password.")),
    ])
    remember = BooleanField(_l("Keep me logged in on this device for 30 days (families only)"))


class ResetRequestForm(FlaskForm):
    email = EmailField(_l("Email address"), validators=[_required, _email_length, _email_format])


class NewPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[_required])
    confirm = PasswordField(_l("New password again"), validators=[
        _required, EqualTo("password", message=_l("The two passwords are different.")),
    ])

    def check_policy(self, context: PasswordContext) -> bool:
        """Run the password policy; its reasons are shown next to the field."""
        problems = password_problems(self.password.data or "", context.personal, context.places)
        self.password.errors = [*self.password.errors, *problems]
        return not problems


class ChangePasswordForm(NewPasswordForm):
    current_password = PasswordField(_l("Current password"), validators=[
        _required, Length(max=MAX_LENGTH * 4, message=_l("This is not your current password.")),
    ])


class ActivationCodeForm(FlaskForm):
    code = StringField(_l("Activation code"), validators=[
        _required, Length(max=40, message=_l("At most 40 characters.")),
    ])


class ActivationNameForm(FlaskForm):
    last_name = StringField(_l("Your last name"), validators=[_required, _name_length])


class ActivationAccountForm(NewPasswordForm):
    email = EmailField(_l("Email address"), validators=[_required, _email_length, _email_format])


class ConfirmForm(FlaskForm):
    """A button and its CSRF token (logout everywhere, privacy notice, resend)."""


class LanguageForm(FlaskForm):
    """Rendered on the account page, posted to ``i18n.switch_language`` (which checks the value)."""

    lang = SelectField(_l("Language"), choices=[SelectChoice(code, name, {"lang": code})
                                                for code, name in LANGUAGES.items()])


def _values(field) -> set[str]:
    return {choice.value for choice in field.choices}


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class StaffInviteForm(FlaskForm):
    first_name = StringField(_l("First name"), validators=[_required, _name_length])
    last_name = StringField(_l("Last name"), validators=[_required, _name_length])
    email = EmailField(_l("Email address"), validators=[_required, _email_length, _email_format])
    # Choices depend on who invites; the view sets them and checks the answers against them.
    role = SelectField(_l("Role"), validate_choice=False, validators=[_required])
    establishment = SelectField(_l("Establishment"), validate_choice=False, validators=[Optional()])
    groups = MultiCheckboxField(_l("Classes or groups"), validate_choice=False, validators=[Optional()])

    def validate_role(self, field):
        if field.data not in _values(field):
            raise ValidationError(_l("Choose a role from the list."))

    def validate_establishment(self, field):
        if field.data not in _values(field):
            raise ValidationError(_l("Choose an establishment from the list."))

    def validate_groups(self, field):
        if not set(field.data or ()) <= _values(field):
            raise ValidationError(_l("Choose classes or groups from the list."))


class TwoFactorCodeForm(FlaskForm):
    code = StringField(_l("6-digit code"), validators=[
        _required, Length(max=20, message=_l("The code has 6 digits.")),
    ])


class NewRecoveryCodesForm(FlaskForm):
    """Both factors again: a session left open must not be enough to take the codes."""

    current_password = PasswordField(_l("Current password"), validators=[
        _required, Length(max=MAX_LENGTH * 4, message=_l("This is not your current password.")),
    ])
    code = StringField(_l("6-digit code"), validators=[
        _required, Length(max=20, message=_l("The code has 6 digits.")),
    ])


class RecoveryCodeForm(FlaskForm):
    code = StringField(_l("Recovery code"), validators=[
        _required, Length(max=40, message=_l("At most 40 characters.")),
    ])
