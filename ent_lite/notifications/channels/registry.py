"""The sender registry and the outcomes senders yield (see the package docstring)."""
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
