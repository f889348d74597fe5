"""The administrator's retention settings: what the retention page saves, audited.

The privacy notice shows these periods, so its version follows (ent_lite.privacy.notice).
Flush only; the caller commits.
"""
from __future__ import annotations

from datetime import datetime

from ent_lite.audit.services import record
from ent_lite.privacy.retention import CATEGORIES, all_days, check, set_override


def save_periods(days: dict[str, int], actor, now: datetime) -> list[str]:
    """The administrator's durations: all checked first (one out of bounds refuses them all,
    OutOfBounds naming it), then the changed ones stored and audited; returns their keys."""
    for key, value in days.items():
        check(key, value)
    current = all_days()
    changed = [key for key in CATEGORIES if key in days and days[key] != current[key]]
    for key in changed:
        set_override(key, days[key], now)
        record("retention.change", actor=actor, now=now, details={"category": key, "days": days[key]})
    return changed
