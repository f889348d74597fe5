"""Email: one SMTP connection per batch, one outcome yielded after each mail.

A refusal for good (5xx on the recipient) fails that send and records the address
(``bounces``); a temporary refusal (4xx) retries that send; a lost connection retries it and
every send left, so their rows stay due while the server is down. In the demo
(``MAIL_SUPPRESS``) the mails are written to the console as they would have been sent.
"""
from __future__ import annotations

import logging
import smtplib

from ent_lite.core import mail
from ent_lite.notifications import bounces, content
from ent_lite.notifications.channels.registry import FAILED, RETRY, SENT, SKIPPED, Outcome, sender
from ent_lite.notifications.models import Channel

log = logging.getLogger(__name__)


def _refusal_code(error: smtplib.SMTPRecipientsRefused) -> int | None:
    codes = [code for code, _ in error.recipients.values()]
    return codes[0] if codes else None


def _is_permanent(code: int | None) -> bool:
    return code is not None and 500 <= code < 600


@sender(Channel.EMAIL)
def send_email(sends: list[content.Send], now):
    to_send = []
    for send in sends:
        if not content.still_to_tell(send):
            yield send, Outcome(SKIPPED)
        elif not send.user.email:
            yield send, Outcome(FAILED, "no address")
        else:
            to_send.append(send)
    if not to_send:
        return
    if mail.is_suppressed():
        for send in to_send:
            mail.log_suppressed(content.email_message(send, now))
            yield send, Outcome(SENT)
        return
    try:
        smtp = mail.connect()
    except (smtplib.SMTPException, OSError) as error:
        log.warning("SMTP connection failed (%s): %d mails left due", type(error).__name__, len(to_send))
        for send in to_send:
            yield send, Outcome(RETRY, f"connect: {type(error).__name__}")
        return
    try:
        for position, send in enumerate(to_send):
            outcome = _send_one(smtp, send, now)
            yield send, outcome
            if outcome.error == "disconnected":
                for left in to_send[position + 1:]:
                    yield left, Outcome(RETRY, "disconnected")
                return
    finally:
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()


def _send_one(smtp: smtplib.SMTP, send: content.Send, now) -> Outcome:
    try:
        message = content.email_message(send, now)
    except Exception as error:  # noqa: BLE001 - one mail that cannot be built fails alone
        log.exception("mail of delivery %s could not be built", send.delivery.id)
        return Outcome(RETRY, f"build: {type(error).__name__}")
    try:
        smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused as error:
        code = _refusal_code(error)
        if _is_permanent(code):
            bounces.record_refusal(send.user, send.user.email, code, now)
            return Outcome(FAILED, f"SMTP {code}")
        return Outcome(RETRY, f"SMTP {code}")
    except smtplib.SMTPDataError as error:
        if _is_permanent(error.smtp_code):
            bounces.record_refusal(send.user, send.user.email, error.smtp_code, now)
            return Outcome(FAILED, f"SMTP {error.smtp_code}")
        return Outcome(RETRY, f"SMTP {error.smtp_code}")
    except smtplib.SMTPResponseException as error:  # sender refused, or the server's own trouble
        return Outcome(RETRY, f"SMTP {error.smtp_code}")
    except (smtplib.SMTPException, OSError):
        return Outcome(RETRY, "disconnected")
    return Outcome(SENT)
