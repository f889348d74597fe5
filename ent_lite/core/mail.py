"""Outgoing email over SMTP.

Messages carry no child name or message text (PRIVACY.md 18): the callers pass
a generic line and a link that requires login.
"""
from __future__ import annotations

import smtplib
from datetime import datetime, timezone
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

from flask import after_this_request, current_app, has_request_context

from ent_lite.core.db_types import utcnow


def mail_domain() -> str:
    """The domain of the sender's address, for Message-IDs ("Name <a@b.fr>" gives "b.fr")."""
    return parseaddr(current_app.config["MAIL_FROM"])[1].rpartition("@")[2] or "ent-lite.invalid"


def date_header(now: datetime) -> str:
    """RFC 5322 date in UTC ("Wed, 02 Dec 2026 19:25:18 GMT")."""
    return format_datetime(now.astimezone(timezone.utc), usegmt=True)


def _message(to: str, subject: str, body: str) -> EmailMessage:
    # Date and Message-ID: without them some servers add their own and others mark the mail as spam.
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = date_header(utcnow())
    message["Message-ID"] = make_msgid(domain=mail_domain())
    message.set_content(body)
    return message


def connect() -> smtplib.SMTP:
    """An SMTP connection as configured (STARTTLS, login); the caller closes it (``with``)."""
    config = current_app.config
    smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10)
    if config["MAIL_STARTTLS"]:
        smtp.starttls()
    if config["MAIL_USERNAME"]:
        smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
    return smtp


def is_suppressed() -> bool:
    """Demo mode: mail goes to the console (so links can be followed), not to a server."""
    return bool(current_app.config["MAIL_SUPPRESS"])


def log_suppressed(message: EmailMessage) -> None:
    current_app.logger.warning("mail not sent (demo):\n%s", message.as_string())


def send_mail(to: str, subject: str, body: str) -> None:
    send_many([(to, subject, body)], stop_on_error=True)


def send_many(mails: list[tuple[str, str, str]], stop_on_error: bool = False) -> int:
    """Send (to, subject, body) mails over one SMTP connection; returns how many went out.

    A refused recipient is logged by position (never by address) and skipped unless
    ``stop_on_error``; a connection failure raises.
    """
    messages = [_message(*mail) for mail in mails]
    if is_suppressed():
        for message in messages:
            log_suppressed(message)
        return len(messages)
    sent = 0
    with connect() as smtp:
        for position, message in enumerate(messages):
            try:
                smtp.send_message(message)
                sent += 1
            except smtplib.SMTPRecipientsRefused:
                if stop_on_error:
                    raise
                current_app.logger.error("mail %d of %d refused by the SMTP server", position + 1, len(messages))
    return sent


def send_mail_after_response(to: str, subject: str, body: str, on_failure=None) -> None:
    """Send once the response has gone out, so its timing says nothing about the mail.

    Used where answering faster for unknown addresses would reveal which accounts
    exist (password reset). Outside a request the mail is sent at once.
    """
    if not has_request_context():
        send_mail(to, subject, body)
        return
    app = current_app._get_current_object()

    def deliver() -> None:
        with app.app_context():
            try:
                send_mail(to, subject, body)
            except (smtplib.SMTPException, OSError):
                if on_failure:
                    on_failure()

    @after_this_request
    def schedule(response):
        response.call_on_close(deliver)
        return response
