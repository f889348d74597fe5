"""Account emails, written in the user's language (their setting, else French).

They carry no child name and no message content (PRIVACY.md 18), and never reach
the log with their link: a failed delivery is logged by user id only.
"""
from __future__ import annotations

import smtplib

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from ent_lite.accounts.email_change import CONFIRM_TOKEN_DAYS
from ent_lite.accounts.models import User
from ent_lite.core.branding import product_name
from ent_lite.core.i18n import DEFAULT_LANGUAGE, LANGUAGES
from ent_lite.core.mail import send_mail, send_mail_after_response


def external_url(endpoint: str, **values) -> str:
    """An absolute link built on BASE_URL, the address the city publishes."""
    # Built without the request so it also works from the command line.
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return current_app.config["BASE_URL"].rstrip("/") + path


def user_language(user: User) -> str:
    return user.locale if user.locale in LANGUAGES else DEFAULT_LANGUAGE


def _send(user: User, subject: str, template: str, to: str | None = None, **context) -> bool:
    """True when the mail server accepted the message. Goes to the account's address unless
    ``to`` says otherwise; an account without an address gets nothing."""
    to = to or user.email
    if not to:
        return False
    try:
        send_mail(to, subject, render_template(template, user=user, **context))
    except (smtplib.SMTPException, OSError):
        current_app.logger.error("account email to user %s could not be sent", user.public_id)
        return False
    return True


def send_reset_link(user: User, token: str) -> None:
    """Sent after the response: a reset request must take as long for unknown addresses."""
    with force_locale(user_language(user)):
        subject = _("Choose a new %(product)s password", product=product_name())
        body = render_template("accounts/email/reset.txt", user=user,
                               link=external_url("accounts.reset_password", token=token),
                               minutes=min(current_app.config["RESET_TOKEN_MINUTES"], 60))
    user_id = user.public_id
    send_mail_after_response(
        user.email, subject, body,
        on_failure=lambda: current_app.logger.error("reset email to user %s could not be sent", user_id),
    )


def send_password_changed(user: User) -> bool:
    with force_locale(user_language(user)):
        return _send(user, _("Your %(product)s password was changed", product=product_name()), "accounts/email/password_changed.txt",
                     link=external_url("accounts.reset_request"))


def send_invitation(user: User, token: str) -> bool:
    with force_locale(user_language(user)):
        return _send(user, _("Your %(product)s account is ready", product=product_name()), "accounts/email/invitation.txt",
                     link=external_url("accounts.accept_invitation", token=token),
                     days=current_app.config["INVITE_TOKEN_DAYS"])


def send_second_factor_enabled(user: User) -> bool:
    """Whoever knew the password could enrol their own app: the owner hears of it either way."""
    with force_locale(user_language(user)):
        return _send(user, _("A second factor was set up on your %(product)s account", product=product_name()),
                     "accounts/email/second_factor_enabled.txt", link=external_url("accounts.reset_request"))


def send_recovery_code_used(user: User) -> bool:
    with force_locale(user_language(user)):
        return _send(user, _("A recovery code was used on your %(product)s account", product=product_name()),
                     "accounts/email/recovery_code_used.txt", link=external_url("accounts.reset_request"))


def send_email_confirmation(user: User, token: str) -> bool:
    """The only mail an address gets before it is confirmed: the link that confirms it."""
    with force_locale(user_language(user)):
        return _send(user, _("Confirm your email address for %(product)s", product=product_name()), "accounts/email/confirm_email.txt",
                     to=user.pending_email, link=external_url("accounts.confirm_email", token=token),
                     days=CONFIRM_TOKEN_DAYS)


def send_email_change_requested(user: User, old_email: str | None) -> bool:
    """The address that keeps receiving is told that another one was asked for."""
    if not old_email:
        return False
    with force_locale(user_language(user)):
        return _send(user, _("A new email address was given for your %(product)s account", product=product_name()),
                     "accounts/email/email_change_requested.txt", to=old_email,
                     link=external_url("accounts.reset_request"))
