"""Outgoing email over SMTP.

Messages carry no child name or message text (PRIVACY.md 18): the callers pass
a generic line and a link that requires login.
"""
from __future__ import annotations

import smtplib
from email.message import EmailMessage

from flask import after_this_request, current_app, has_request_context


def send_mail(to: str, subject: str, body: str) -> None:
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    if config["MAIL_SUPPRESS"]:
        # Demo mode: show the mail in the console so links can be followed.
        current_app.logger.warning("mail not sent (demo):\n%s", message.as_string())
        return
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
        if config["MAIL_STARTTLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)


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
