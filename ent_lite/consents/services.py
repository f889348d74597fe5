"""Consents: whether a purpose may be carried out, and guardians granting or withdrawing.

The rule of each purpose comes from the register (ent_lite/privacy/register.toml): whom the
consent is about (a child or the guardian), its audiences, and whether one or both legal
guardians must agree. The state is computed from the append-only records at each call, so a
withdrawal applies at the very next request. Services flush; the caller commits.

Other features ask ``may`` (one subject), ``children_lacking`` (a list for one audience) or
``lacking`` (children each with their audience); all three are the same check, in constant queries.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select

from ent_lite.accounts.models import Role, User
from ent_lite.audit.services import record
from ent_lite.consents.models import ConsentRecord
from ent_lite.core.aliases import alias_of
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.privacy import register
from ent_lite.privacy.notice import current_notice_version
from ent_lite.school.models import Child, GuardianLink

PHOTO_PUBLICATION = "photo_publication"
CITY_INFORMATION = "city_information"
CHILD = "child"
GUARDIAN = "guardian"


def rule_of(purpose_key: str) -> register.ConsentRule:
    """The consent rule of a purpose; a ValueError for an unknown or non-consent purpose."""
    try:
        found = register.purpose(purpose_key)
    except KeyError:
        raise ValueError(f"unknown purpose {purpose_key!r}") from None
    if found.consent is None:
        raise ValueError(f"{purpose_key!r} does not rest on consent")
    return found.consent


def _check_audience(rule: register.ConsentRule, audience: str | None) -> None:
    if rule.audiences and audience not in rule.audiences:
        raise ValueError(f"audience must be one of {rule.audiences}")
    if not rule.audiences and audience is not None:
        raise ValueError("this purpose has no audience")


def legal_guardian_ids(child_ids: Iterable[int]) -> dict[int, set[int]]:
    """{child id: ids of the guardians with legal authority} in one query."""
    ids = sorted(set(child_ids))
    found: dict[int, set[int]] = defaultdict(set)
    if not ids:
        return found
    rows = db.session.execute(
        select(GuardianLink.child_id, GuardianLink.user_id)
        .where(GuardianLink.child_id.in_(ids), GuardianLink.legal_authority.is_(True))
    )
    for child_id, user_id in rows:
        found[child_id].add(user_id)
    return found


def child_states(child_ids: Iterable[int], purpose_key: str, now: datetime | None = None
                 ) -> dict[tuple[int, str | None], dict[int, bool]]:
    """{(child id, audience): {guardian id: granted?}} from each guardian's latest record (one query)."""
    ids = sorted(set(child_ids))
    states: dict[tuple[int, str | None], dict[int, bool]] = defaultdict(dict)
    if not ids:
        return states
    rows = db.session.execute(
        select(ConsentRecord.child_id, ConsentRecord.audience, ConsentRecord.guardian_id, ConsentRecord.granted)
        .where(ConsentRecord.child_id.in_(ids), ConsentRecord.purpose == purpose_key,
               ConsentRecord.created_dt <= (now or utcnow()))
        .order_by(ConsentRecord.created_dt, ConsentRecord.id)
    )
    for child_id, audience, guardian_id, granted in rows:
        states[(child_id, audience)][guardian_id] = granted  # later records overwrite earlier ones
    return states


def guardian_states(guardian_ids: Iterable[int], purpose_key: str, now: datetime | None = None
                    ) -> dict[int, bool]:
    """{guardian id: latest decision} for a purpose about the guardian (one query); a guardian
    without a record is missing, which means not given."""
    ids = sorted(set(guardian_ids))
    if not ids:
        return {}
    rows = db.session.execute(
        select(ConsentRecord.guardian_id, ConsentRecord.granted)
        .where(ConsentRecord.guardian_id.in_(ids), ConsentRecord.child_id.is_(None),
               ConsentRecord.purpose == purpose_key, ConsentRecord.created_dt <= (now or utcnow()))
        .order_by(ConsentRecord.created_dt, ConsentRecord.id)
    )
    states: dict[int, bool] = {}
    for guardian_id, granted in rows:
        states[guardian_id] = granted  # later records overwrite earlier ones
    return states


def agreeing_guardians(purpose_key: str, now: datetime | None = None, guardian_id: int | None = None):
    """SELECT of the ids of the guardians whose latest record for a purpose about themselves is a
    grant (only ``guardian_id``'s, if given): ``may`` for many guardians at once, inside a bigger
    query (a test keeps both equal)."""
    if rule_of(purpose_key).subject != GUARDIAN:
        raise ValueError(f"{purpose_key!r} is not about guardians")
    moment = now or utcnow()
    later = alias_of(ConsentRecord, "later")
    latest = ~select(later.id).where(
        later.guardian_id == ConsentRecord.guardian_id, later.child_id.is_(None), later.purpose == purpose_key,
        later.created_dt <= moment,
        or_(later.created_dt > ConsentRecord.created_dt,
            and_(later.created_dt == ConsentRecord.created_dt, later.id > ConsentRecord.id)),
    ).exists()
    query = select(ConsentRecord.guardian_id)
    if guardian_id is not None:
        query = query.where(ConsentRecord.guardian_id == guardian_id)
    return (query
            .join(User, User.id == ConsentRecord.guardian_id)
            .where(ConsentRecord.child_id.is_(None), ConsentRecord.purpose == purpose_key,
                   ConsentRecord.created_dt <= moment, ConsentRecord.granted.is_(True), latest,
                   User.role == Role.GUARDIAN))


def guardian_state(guardian: User, purpose_key: str, now: datetime | None = None) -> bool:
    """A guardian purpose: the guardian's own latest record (no record: not given)."""
    return guardian_states([guardian.id], purpose_key, now).get(guardian.id, False)


def is_active(rule: register.ConsentRule, legal: set[int], granted_by: dict[int, bool]) -> bool:
    """Whether the required legal guardians currently agree; a child without one never does."""
    agreeing = {guardian_id for guardian_id, granted in granted_by.items() if granted} & legal
    if not legal:
        return False
    return agreeing == legal if rule.guardians_required == "both" else bool(agreeing)


def lacking(asked: Iterable[tuple[Child, str | None]], purpose_key: str,
            now: datetime | None = None) -> list[tuple[Child, str | None]]:
    """The (child, audience) pairs asked (in order, once each) without an active consent: two
    queries whatever the list. The one check behind ``may``, ``children_lacking`` and the photos
    of posts (ent_lite.posts.photo_tags), at publishing and at serving alike."""
    rule = rule_of(purpose_key)
    if rule.subject != CHILD:
        raise ValueError(f"{purpose_key!r} is not about children")
    asked = list(dict.fromkeys(asked))
    for _child, audience in asked:
        _check_audience(rule, audience)
    ids = [child.id for child, _audience in asked]
    legal = legal_guardian_ids(ids)
    states = child_states(ids, purpose_key, now)
    return [(child, audience) for child, audience in asked
            if not is_active(rule, legal.get(child.id, set()), states.get((child.id, audience), {}))]


def children_lacking(children: Iterable[Child], purpose_key: str, audience: str | None = None,
                     now: datetime | None = None) -> list[Child]:
    """The children (in the given order) without an active consent for one audience."""
    return [child for child, _audience in lacking(((child, audience) for child in children), purpose_key, now)]


def may(subject, purpose_key: str, audience: str | None = None, now: datetime | None = None) -> bool:
    """Whether ``subject`` (a Child for child purposes, a guardian User otherwise) has an active
    consent for this purpose and audience. New children and guardians have none."""
    rule = rule_of(purpose_key)
    if rule.subject == CHILD:
        if not isinstance(subject, Child):
            raise TypeError(f"{purpose_key!r} is about a child")
        return not lacking([(subject, audience)], purpose_key, now)
    if not isinstance(subject, User):
        raise TypeError(f"{purpose_key!r} is about a guardian")
    _check_audience(rule, audience)
    return subject.role == Role.GUARDIAN and guardian_state(subject, purpose_key, now)


# --- guardians deciding ----------------------------------------------------------------------

def has_legal_authority(guardian: User, child: Child) -> bool:
    """Only a guardian with legal authority decides for a child still on the roster."""
    if guardian.role != Role.GUARDIAN or child.left_dt is not None:
        return False
    return bool(db.session.scalar(select(select(GuardianLink.id).where(
        GuardianLink.child_id == child.id, GuardianLink.user_id == guardian.id,
        GuardianLink.legal_authority.is_(True)).exists())))


def set_consent(guardian: User, purpose_key: str, granted: bool, now: datetime, child: Child | None = None,
                audience: str | None = None) -> ConsentRecord | None:
    """Append the guardian's decision and audit it; None when it changes nothing (a second click).

    A child purpose needs ``child`` and legal authority over them (PermissionError otherwise);
    a guardian purpose is about the guardian themselves (``child`` None).
    """
    rule = rule_of(purpose_key)
    _check_audience(rule, audience)
    if guardian.role != Role.GUARDIAN:
        raise PermissionError("only guardians give or withdraw consent")
    if rule.subject == CHILD:
        if child is None:
            raise ValueError(f"{purpose_key!r} is about a child")
        if not has_legal_authority(guardian, child):
            raise PermissionError("only a guardian with legal authority decides for this child")
        current = child_states([child.id], purpose_key, now).get((child.id, audience), {}).get(guardian.id, False)
    else:
        if child is not None:
            raise ValueError(f"{purpose_key!r} is about the guardian")
        current = guardian_state(guardian, purpose_key, now)
    if current == granted:
        return None
    entry = ConsentRecord(guardian_id=guardian.id, child_id=child.id if child is not None else None,
                          purpose=purpose_key, audience=audience, notice_hash=current_notice_version(),
                          granted=granted, created_dt=now)
    db.session.add(entry)
    db.session.flush()
    details = {"purpose": purpose_key, "audience": audience}
    record("consent.grant" if granted else "consent.withdraw", actor=guardian,
           target=child if child is not None else guardian, details=details, now=now)
    return entry


# --- a guardian's overview ---------------------------------------------------------------------

@dataclass(frozen=True)
class ConsentItem:
    """One decision a guardian sees: a purpose (and audience) for a child or for themselves."""

    purpose: register.Purpose
    audience: str | None
    child: Child | None
    mine: bool  # the guardian's own latest decision is a grant
    others: bool | None  # another legal guardian's grant; None when there is no other one
    active: bool  # what the application applies
    may_decide: bool


@dataclass(frozen=True)
class ChildConsents:
    child: Child
    legal_authority: bool
    items: list[ConsentItem]


def overview(guardian: User, now: datetime | None = None) -> tuple[list[ChildConsents], list[ConsentItem]]:
    """The guardian's decisions per current child and for themselves (a fixed number of queries)."""
    now = now or utcnow()
    links = db.session.execute(
        select(Child, GuardianLink.legal_authority).join(GuardianLink, GuardianLink.child_id == Child.id)
        .where(GuardianLink.user_id == guardian.id, Child.left_dt.is_(None))
        .order_by(Child.first_name, Child.last_name, Child.id)
    ).all()
    child_ids = [child.id for child, _ in links]
    legal = legal_guardian_ids(child_ids)
    children = [ChildConsents(child, bool(authority), []) for child, authority in links]
    own: list[ConsentItem] = []
    for item in register.consent_purposes():
        rule = item.consent
        if rule.subject == CHILD:
            states = child_states(child_ids, item.key, now)
            for entry in children:
                others = legal.get(entry.child.id, set()) - {guardian.id}
                for audience in rule.audiences or (None,):
                    granted_by = states.get((entry.child.id, audience), {})
                    entry.items.append(ConsentItem(
                        item, audience, entry.child, mine=bool(granted_by.get(guardian.id)),
                        others=any(granted_by.get(g) for g in others) if others else None,
                        active=is_active(rule, legal.get(entry.child.id, set()), granted_by),
                        may_decide=entry.legal_authority))
        else:
            mine = guardian_state(guardian, item.key, now)
            own.append(ConsentItem(item, None, None, mine=mine, others=None, active=mine, may_decide=True))
    return children, own
