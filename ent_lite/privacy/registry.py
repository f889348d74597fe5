"""What each feature tells the privacy machinery about the data it owns.

The feature that owns a table registers, in its own ``retention.py``, where each column
belongs (``classify_columns``), the purge jobs that find its rows past their retention
(``@purge_job``), the stored files its rows hold (``@stored_files``) and how to date the
deletion of its objects (``@deletion_date_of``). This module imports no feature, so
``privacy`` depends on none: ``ent_lite.hooks`` imports every feature's hook modules when the
app is created, and tests check that each registry is filled and each job does its work.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

NOT_PERSONAL = "not_personal"

# The execution option every deletion by the purge or by erasure carries; append-only tables
# (consent records) refuse any other deletion.
PURGE_OPTION = "consent_purge"

# --- retention classification -----------------------------------------------------------------

# table -> {category or NOT_PERSONAL: columns}. Keys and flags that say nothing about a person
# are not personal; identifiers of a personal row share its category (deleted with it).
COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {}


def classify_columns(table: str, by_category: dict[str, str]) -> None:
    """Declare where every column of ``table`` belongs: {category: "column column ..."}."""
    if table in COLUMNS:
        raise ValueError(f"{table}: classified twice")
    COLUMNS[table] = {category: tuple(columns.split()) for category, columns in by_category.items()}


def classify(table: str, column: str) -> str | None:
    """The category of a column, ``NOT_PERSONAL``, or None when no feature classified it."""
    for category, columns in COLUMNS.get(table, {}).items():
        if column in columns:
            return category
    return None


# --- purge jobs -------------------------------------------------------------------------------

# Categories in the order they run: a child's departure before its family's account, which
# may leave a tombstone holding consent records, deleted once those are; an activity's
# sensitive notes before its registrations.
PURGE_ORDER = ("class_content", "conversations", "form_answers", "health_answers", "read_receipts",
               "notifications", "activity_health_notes", "activity_registrations", "family_brackets",
               "absence_reasons", "absence_notices",
               "pupil_records", "accounts", "consent_records", "rights_requests",
               "security_tokens", "draft_files", "audit_log")
# Then what carries its own expiry instead of a retention duration: guardians' data exports.
EXPIRING = ("exports",)


@dataclass
class CategoryResult:
    category: str
    rows: int = 0
    files: int = 0
    # Every row the deletion reached, by table (the top rows and those deleted with them).
    by_table: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    # More counts for the audit entry (tombstone accounts deleted with the consent records).
    extra: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class PurgeJob:
    """One registered job of a category.

    ``function`` is either ``due(cutoff) -> Select`` of the ids of the due top rows of one
    table (deleted with every row referencing them, or by ``erase(ids, now, result)`` when the
    feature deletes through its own service, ``keeps`` naming the tables that service keeps),
    or, for a job that ``sweeps`` a table, ``sweep(result, now, days, dry_run, batch_size)``
    doing the whole deletion itself (counting into ``result``, committing each batch, changing
    nothing on a dry run).
    """

    category: str
    order: int
    function: Callable
    sweeps: str | None = None
    erase: Callable | None = None
    keeps: frozenset[str] = frozenset()

    @property
    def name(self) -> str:
        return f"{self.function.__module__}.{self.function.__qualname__}"


PURGE_JOBS: list[PurgeJob] = []


def purge_job(category: str, *, order: int = 0, sweeps: str | None = None, erase: Callable | None = None,
              keeps: frozenset[str] | set[str] = frozenset()) -> Callable:
    """Register a purge job of ``category``; jobs of a category run by ``order``, in one pass."""
    if category not in PURGE_ORDER + EXPIRING:
        raise ValueError(f"{category}: not a purged category (PURGE_ORDER)")

    def decorator(function: Callable) -> Callable:
        PURGE_JOBS.append(PurgeJob(category, order, function, sweeps, erase, frozenset(keeps)))
        return function

    return decorator


def jobs_for(category: str) -> list[PurgeJob]:
    return sorted((job for job in PURGE_JOBS if job.category == category), key=lambda job: job.order)


# table -> function(ids) giving the stored file keys those rows hold (removed after the commit).
FILE_KEYS: dict[str, Callable[[set[int]], list[str]]] = {}


def stored_files(table: str) -> Callable:
    def decorator(function: Callable[[set[int]], list[str]]) -> Callable:
        FILE_KEYS[table] = function
        return function

    return decorator


# --- deletion dates shown to users ------------------------------------------------------------

# model -> function(obj) answering when that object is deleted (ent_lite.privacy.retention.deletion_date).
DELETION_DATES: dict[type, Callable] = {}


def deletion_date_of(*models: type) -> Callable:
    def decorator(function: Callable) -> Callable:
        for model in models:
            DELETION_DATES[model] = function
        return function

    return decorator
