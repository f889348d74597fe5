"""The DPO's search of the audit log: what the form's fields mean, and the search itself,
audited (who searched the log for whom is itself worth knowing; the entry keeps only
references the log already holds, never what was typed)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from ent_lite.accounts.models import User
from ent_lite.audit import services as audit
from ent_lite.audit.models import AuditEntry
from ent_lite.audit.services import record
from ent_lite.core.localtime import local_to_utc
from ent_lite.extensions import db

NO_SUCH_ACCOUNT = object()


def actor_reference(text: str | None):
    """What the DPO typed as actor: an email (looked up), "user:<id>" or a bare public id.
    None when empty; NO_SUCH_ACCOUNT for an email no account has."""
    text = (text or "").strip()
    if not text:
        return None
    if "@" in text:
        public_id = db.session.scalar(select(User.public_id).where(User.email == text.lower()))
        return f"user:{public_id}" if public_id else NO_SUCH_ACCOUNT
    return text[:64] if ":" in text else f"user:{text[:40]}"


UNRESOLVED = "unresolved"


def logged_reference(actor_ref) -> str | None:
    """What the ``audit.search`` entry keeps of the actor searched for: a reference to an account
    or one already in the log (an erased account's), else "unresolved". What the DPO typed may
    be a name ("user:Marie Dupont"), which the log must not hold."""
    if actor_ref is None:
        return None
    if actor_ref is NO_SUCH_ACCOUNT:
        return UNRESOLVED
    kind, _sep, public_id = actor_ref.partition(":")
    if kind == "user" and db.session.scalar(select(select(User.id).where(User.public_id == public_id).exists())):
        return actor_ref
    if db.session.scalar(select(select(AuditEntry.id).where(AuditEntry.actor_ref == actor_ref).exists())):
        return actor_ref
    return UNRESOLVED


def logged_action(action: str | None) -> str | None:
    """The action filter as the ``audit.search`` entry keeps it: only a name (or family) the log
    holds, since the field takes any text."""
    if action is None:
        return None
    known = select(AuditEntry.id).where(AuditEntry.action.startswith(action, autoescape=True))
    return action if db.session.scalar(select(known.exists())) else UNRESOLVED


def action_filter(text: str | None) -> str | None:
    """"consent" or "consent." is the family (consent.grant, consent.withdraw); a dotted name
    such as "login.failure" is that action only."""
    text = (text or "").strip()[:64]
    if not text:
        return None
    return text if "." in text else text + "."


@dataclass(frozen=True)
class AuditQuery:
    """The search form's fields as typed: actor, action, and the first and last local days."""

    actor: str | None
    action: str | None
    since: date | None
    until: date | None


def search_audit(query: AuditQuery, dpo: User, page: int, now: datetime):
    """(the page of entries found or None, whether the actor's email matches no account); the
    search is audited. Flushes; the caller commits before rendering (the search's audit entry
    holds the audit chain's lock until then). The entries found are detached from the session,
    so that commit does not expire them into one reload each while the page shows them."""
    actor_ref = actor_reference(query.actor)
    actor_missing = actor_ref is NO_SUCH_ACCOUNT
    action = action_filter(query.action)
    since = local_to_utc(query.since, time(0, 0)) if query.since else None
    until = local_to_utc(query.until + timedelta(days=1), time(0, 0)) if query.until else None
    result = None
    if not actor_missing:
        result = audit.search(actor_ref=actor_ref, action=action, since=since, until=until, page=page)
    record("audit.search", actor=dpo, now=now, details={
        "actor": logged_reference(actor_ref), "action": logged_action(action),
        "since": query.since.isoformat() if query.since else None,
        "until": query.until.isoformat() if query.until else None,
        "page": page, "found": len(result.entries) if result else 0})
    for entry in result.entries if result else ():
        db.session.expunge(entry)
    return result, actor_missing
