"""The ways a person is told, each a sender registered with ``@sender(channel)``.

A sender is a generator ``sender(sends: list[content.Send], now)`` for a batch of due
deliveries of its channel, each with its person and the items still worth telling. It sends
them (one SMTP connection per batch for email) and yields ``(send, Outcome)`` after each one,
so the worker records each outcome at once: a crash then repeats at most the one send in
flight. It never raises for one bad address or endpoint; a connection failure yields
``RETRY`` for the sends left, so their rows stay due.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

SENT = "sent"
RETRY = "retry"      # temporary: try again later, after a growing delay
FAILED = "failed"    # permanent: the address or the subscription is refused for good
SKIPPED = "skipped"  # nothing to send (every item already read, no device...)


@dataclass(frozen=True)
class Outcome:
    status: str
    # A short technical reason (SMTP code, HTTP status), never an address or any content.
    error: str | None = None


SENDERS: dict[str, Callable] = {}


def sender(channel: str) -> Callable:
    def decorator(function: Callable) -> Callable:
        SENDERS[channel] = function
        return function

    return decorator


# Each channel module registers its sender on import: importing the package fills SENDERS.
from ent_lite.notifications.channels import email, push  # noqa: E402,F401
