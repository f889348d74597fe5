"""The retention policy: categories, default durations and bounds, and the dates they give.

Each feature classifies its own tables' columns under a category or ``NOT_PERSONAL``
(``ent_lite.privacy.registry.classify_columns``, in its ``retention.py``); a test walks the
models' metadata so a new column cannot go unclassified. Durations count from an anchor: the
end of the school year an item belongs to (the next school-year start, 1 September as in
ent_lite.school.services) or an event (departure, use or expiry, creation). An administrator
may override a duration within bounds (ent_lite.privacy.services.save_periods).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from flask import has_app_context, has_request_context, request
from flask_babel import gettext as _
from sqlalchemy import select

from ent_lite.core.school_year import SCHOOL_YEAR_START_MONTH
from ent_lite.extensions import db
from ent_lite.privacy.models import RetentionOverride
from ent_lite.privacy.registry import DELETION_DATES, NOT_PERSONAL, classify_columns

SCHOOL_YEAR_END = "school_year_end"
EVENT = "event"


@dataclass(frozen=True)
class Category:
    key: str
    anchor: str  # SCHOOL_YEAR_END or EVENT
    days: int
    min_days: int
    max_days: int
    # Deleted by ``flask ent-lite purge``; other categories are removed by the service that owns them.
    purged: bool = True


# Durations (PRIVACY.md "Default retention") and the bounds an administrator may choose within.
CATEGORIES: dict[str, Category] = {c.key: c for c in (
    # School ENT rules: content renewed each school year, deleted within 3 months after.
    Category("class_content", SCHOOL_YEAR_END, 90, 0, 365),
    Category("conversations", SCHOOL_YEAR_END, 90, 0, 365),
    Category("read_receipts", SCHOOL_YEAR_END, 90, 0, 365),
    Category("form_answers", SCHOOL_YEAR_END, 90, 0, 365),
    # Answers to questions marked "health or allergy": counted from the form's deadline
    # (PRIVACY.md 10: sensitive notes are blanked shortly after the activity).
    Category("health_answers", EVENT, 15, 1, 30),
    # Counted from the child's departure (families: from their last child's departure).
    Category("pupil_records", EVENT, 90, 0, 365),
    Category("accounts", EVENT, 90, 0, 365),
    # Counted from use or expiry; a few days let support answer "my code does not work".
    Category("security_tokens", EVENT, 7, 0, 30),
    # Proof of consent is kept after the consent ends for the 5-year limitation period of
    # civil claims (Code civil art. 2224), during which the city may have to prove it.
    Category("consent_records", EVENT, 5 * 365, 365, 5 * 365),
    # CNIL logging recommendation: 6 months to 1 year.
    Category("audit_log", EVENT, 365, 183, 365),
    Category("data_exports", EVENT, 2, 1, 7, purged=False),
    # Proof that a request was answered, for the same limitation period as consents.
    Category("rights_requests", EVENT, 5 * 365, 365, 5 * 365),
    # What notification was sent to whom, when, by which channel and with what result; never
    # what it said. Counted from when each record was written (an item's creation, a send,
    # an event's fan-out). Long enough to answer "I never got the mail about the outing" and
    # to watch refused addresses; 7 days at least, so a weekly digest is never older than its
    # record; 90 days at most, since it only repeats what the app itself shows.
    Category("notifications", EVENT, 30, 7, 90),
    # Photos and documents chosen for a post its author has not published yet, kept so that a
    # form sent back for correction need not be filled again (ent_lite.files.drafts). Counted
    # from the upload; one day is enough to finish a post, a week at most.
    Category("draft_files", EVENT, 1, 1, 7),
    # Activities and their registrations, rosters, attendance and lottery tickets: one school
    # year active, one archived (PRIVACY.md "Default retention"), counted from the end of the
    # school year of the activity's last session.
    Category("activity_registrations", SCHOOL_YEAR_END, 365, 90, 730),
    # The family's note for the organiser (health, allergies): counted from the activity's last
    # session (PRIVACY.md 10: blanked shortly after the activity).
    Category("activity_health_notes", EVENT, 15, 1, 30),
    # The family-quotient bracket a guardian declared for a school year.
    Category("family_brackets", SCHOOL_YEAR_END, 365, 90, 730),
    # A family's absence notices (who, which days, to whom, seen when): the school year, as
    # class content, so a disagreement about a day can still be settled after the summer.
    Category("absence_notices", SCHOOL_YEAR_END, 90, 0, 365),
    # The reason a family gave for an absence may be about health: blanked shortly after the
    # notice's last day, as health answers to forms are.
    Category("absence_reasons", EVENT, 15, 1, 30),
)}


# The administrator's overrides: no person in them.
classify_columns("retention_override", {NOT_PERSONAL: "category days updated_dt"})


# --- durations --------------------------------------------------------------------------------

# Kept in the request's own environ, not ``g``: ``g`` lives as long as the app context, which
# several requests may share (tests, a CLI command), and would then keep a stale value.
_REQUEST_CACHE = "ent_lite.retention_overrides"


def overrides() -> dict[str, int]:
    """{category: days} set by the administrator (read once per request)."""
    if not has_app_context():
        return {}
    if has_request_context() and _REQUEST_CACHE in request.environ:
        return request.environ[_REQUEST_CACHE]
    rows = db.session.execute(select(RetentionOverride.category, RetentionOverride.days)).all()
    found = {key: days for key, days in rows if key in CATEGORIES and in_bounds(key, days)}
    if has_request_context():
        request.environ[_REQUEST_CACHE] = found
    return found


def in_bounds(key: str, days: int) -> bool:
    category = CATEGORIES[key]
    return category.min_days <= days <= category.max_days


def effective_days(key: str, current: dict[str, int] | None = None) -> int:
    current = overrides() if current is None else current
    return current.get(key, CATEGORIES[key].days)


def all_days() -> dict[str, int]:
    """{category: days in force}, reading the overrides once."""
    current = overrides()
    return {key: effective_days(key, current) for key in CATEGORIES}


class OutOfBounds(ValueError):
    """A duration outside the legal bounds of its category; nothing was stored."""

    def __init__(self, key: str):
        super().__init__(f"{key}: out of bounds")
        self.key = key

    @property
    def message(self) -> str:
        category = CATEGORIES[self.key]
        return _("Choose between %(min)s and %(max)s days.", min=category.min_days, max=category.max_days)


def check(key: str, days) -> None:
    # bool is an int to Python, not a number of days.
    if key not in CATEGORIES or not isinstance(days, int) or isinstance(days, bool) or not in_bounds(key, days):
        raise OutOfBounds(key)


def set_override(key: str, days: int, now: datetime) -> None:
    """Store an in-bounds duration (the default value removes the override); caller commits.
    Raises OutOfBounds, whoever calls (the form checks too, but is not the only way in)."""
    check(key, days)
    if has_request_context():
        request.environ.pop(_REQUEST_CACHE, None)
    row = db.session.get(RetentionOverride, key)
    if days == CATEGORIES[key].days:
        if row is not None:
            db.session.delete(row)
    elif row is None:
        db.session.add(RetentionOverride(category=key, days=days, updated_dt=now))
    else:
        row.days, row.updated_dt = days, now
    db.session.flush()


# --- school years -----------------------------------------------------------------------------

def _rollover(year: int) -> datetime:
    return datetime.combine(date(year, SCHOOL_YEAR_START_MONTH, 1), time(), tzinfo=timezone.utc)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def school_year_end(moment: datetime) -> datetime:
    """The first school-year start after ``moment``: when the item's school year ends."""
    moment = _aware(moment)
    start = _rollover(moment.year)
    return start if start > moment else _rollover(moment.year + 1)


def _rollover_before(moment: datetime) -> datetime:
    """The latest school-year start strictly before ``moment``."""
    moment = _aware(moment)
    start = _rollover(moment.year)
    return start if start < moment else _rollover(moment.year - 1)


def cutoff(key: str, now: datetime, days: int | None = None) -> datetime:
    """Items whose anchor date is strictly before the cutoff are due for deletion at ``now``.

    The rule at the boundary, the same for every category: an item is kept up to and including
    its deletion instant (``deletion_dt``) and due from the instant after, so a purge run at
    exactly that instant keeps it and the next run deletes it. Event categories: the anchor is
    more than ``days`` old. School-year categories: the end of the item's school year plus the
    duration has passed, i.e. its school year ended strictly before ``now - days``, i.e. it
    dates from before the last school-year start strictly before ``now - days``.
    """
    days = effective_days(key) if days is None else days
    limit = _aware(now) - timedelta(days=days)
    if CATEGORIES[key].anchor == SCHOOL_YEAR_END:
        return _rollover_before(limit)
    return limit


def deletion_dt(key: str, anchor_dt: datetime, days: int | None = None) -> datetime:
    """When an item of ``key`` anchored at ``anchor_dt`` is deleted."""
    days = effective_days(key) if days is None else days
    if CATEGORIES[key].anchor == SCHOOL_YEAR_END:
        anchor_dt = school_year_end(anchor_dt)
    return _aware(anchor_dt) + timedelta(days=days)


def deletion_date(obj) -> datetime | None:
    """When a post, message, thread, attachment, form's answers or answer will be deleted (None:
    unknown); each feature registers its own objects' dates (``registry.deletion_date_of``)."""
    function = DELETION_DATES.get(type(obj))
    return function(obj) if function is not None else None
