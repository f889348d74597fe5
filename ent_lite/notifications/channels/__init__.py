"""The ways a person is told, each a sender registered with ``@sender(channel)``.

A sender is a generator ``sender(sends: list[content.Send], now)`` for a batch of due
deliveries of its channel, each with its person and the items still worth telling. It sends
them (one SMTP connection per batch for email) and yields ``(send, Outcome)`` after each one,
so the worker records each outcome at once: a crash then repeats at most the one send in
flight. It never raises for one bad address or endpoint; a connection failure yields
``RETRY`` for the sends left, so their rows stay due.
"""
from ent_lite.notifications.channels.registry import FAILED, RETRY, SENDERS, SENT, SKIPPED, Outcome, sender

# Each channel module registers its sender on import: importing the package fills SENDERS.
from ent_lite.notifications.channels import email, push  # noqa: E402

__all__ = ["FAILED", "RETRY", "SENDERS", "SENT", "SKIPPED", "Outcome", "sender", "email", "push"]
