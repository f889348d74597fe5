"""Rights requests and the DPO's figures. Plain functions taking ``now``; they flush, the view commits."""
from __future__ import annotations

import calendar
import smtplib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from ent_lite.accounts.emails import external_url, user_language
from ent_lite.accounts.models import Role, User
from ent_lite.audit.services import record
from ent_lite.consents import services as consents
from ent_lite.core.localtime import city_zone
from ent_lite.core.mail import send_many
from ent_lite.dpo.models import RequestKind, RequestStatus, RightsRequest
from ent_lite.erasure.services import erase_guardian
from ent_lite.extensions import db
from ent_lite.privacy import register
from ent_lite.school.models import Child, Enrolment, Establishment, Group, GuardianLink
from ent_lite.school.services import current_school_year, guardian_children

MAX_MESSAGE_LENGTH = 4000
MAX_ANSWER_LENGTH = 4000
HISTORY_PAGE_SIZE = 50


# --- dates ----------------------------------------------------------------------------------

def add_months(moment: datetime, months: int = 1) -> datetime:
    """The same day ``months`` later; a day the target month lacks becomes its last day
    (31 January + 1 month = 28 or 29 February)."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def due_date(received: datetime) -> datetime:
    """One calendar month after receipt, counted on the city's calendar."""
    local = received.astimezone(city_zone())
    return add_months(local, 1).astimezone(timezone.utc)


# --- guardians asking -----------------------------------------------------------------------

def create_request(guardian: User, kind: str, message: str, now: datetime, child: Child | None = None
                   ) -> RightsRequest:
    """Record the request and audit it; PermissionError for a child who is not theirs."""
    if guardian.role != Role.GUARDIAN:
        raise PermissionError("only guardians send rights requests")
    if kind not in RequestKind.ALL:
        raise ValueError(f"unknown request kind {kind!r}")
    if child is not None and child.id not in {c.id for c in guardian_children(guardian.id)}:
        raise PermissionError("not one of the guardian's children")
    request = RightsRequest(kind=kind, city_id=guardian.city_id, requester_id=guardian.id, child_id=child.id if child else None,
                            message=message or "", received_dt=now, due_dt=due_date(now),
                            status=RequestStatus.OPEN)
    db.session.add(request)
    db.session.flush()
    record("request.create", actor=guardian, target=request, now=now,
           details={"kind": kind, "about_child": child is not None})
    return request


def requests_of(guardian: User) -> list[RightsRequest]:
    return list(db.session.scalars(
        select(RightsRequest).where(RightsRequest.requester_id == guardian.id)
        .order_by(RightsRequest.received_dt.desc(), RightsRequest.id.desc())))


def _send(mails: list[tuple[str, str, str]], what: str, ref: str) -> int:
    if not mails:
        return 0
    try:
        return send_many(mails)
    except (smtplib.SMTPException, OSError):
        current_app.logger.error("%s for request %s could not be sent", what, ref)
        return 0


def notify_dpo(request: RightsRequest) -> int:
    """A generic mail to every DPO account: no message text, no name, a link that needs login."""
    dpos = db.session.scalars(
        select(User).where(User.role == Role.DPO, User.is_enabled.is_(True), User.email.is_not(None),
                           User.password_hash.is_not(None)).order_by(User.id)).all()
    link = external_url("dpo.request_page", public_id=request.public_id)
    mails = []
    for dpo in dpos:
        with force_locale(user_language(dpo)):
            mails.append((dpo.email, _("A new data protection request"),
                          render_template("dpo/email/new_request.txt", link=link, due_dt=request.due_dt)))
    return _send(mails, "DPO notification", request.public_id)


def notify_requester(request: RightsRequest) -> int:
    """Tell the guardian their request is answered; the answer itself is read after login."""
    guardian = request.requester
    if guardian is None or not guardian.email or not guardian.is_enabled:
        return 0
    with force_locale(user_language(guardian)):
        mail = (guardian.email, _("Your data protection request is answered"),
                render_template("dpo/email/answered.txt", link=external_url("dpo.my_requests")))
    return _send([mail], "answer notification", request.public_id)


# --- the DPO answering ----------------------------------------------------------------------

def city_requests(dpo: User):
    """SELECT of the requests a DPO handles: those of their city's families."""
    return select(RightsRequest).where(RightsRequest.city_id == dpo.city_id)


def open_requests(dpo: User) -> list[RightsRequest]:
    """Open requests, earliest due first, so overdue ones come first."""
    return list(db.session.scalars(
        city_requests(dpo).where(RightsRequest.status == RequestStatus.OPEN)
        .order_by(RightsRequest.due_dt, RightsRequest.id).options(selectinload(RightsRequest.requester))))


def closed_requests(dpo: User, page: int, per_page: int = HISTORY_PAGE_SIZE) -> tuple[list[RightsRequest], bool]:
    rows = db.session.scalars(
        city_requests(dpo).where(RightsRequest.status.in_(RequestStatus.CLOSED))
        .order_by(RightsRequest.handled_dt.desc(), RightsRequest.id.desc())
        .offset((page - 1) * per_page).limit(per_page + 1).options(selectinload(RightsRequest.requester))).all()
    return list(rows[:per_page]), len(rows) > per_page


class AlreadyClosed(ValueError):
    """The request was answered already (another tab, another DPO)."""


def close_request(request: RightsRequest, status: str, answer: str, dpo: User, now: datetime,
                  details: dict | None = None) -> None:
    if status not in RequestStatus.CLOSED:
        raise ValueError(f"cannot close with status {status!r}")
    if not request.is_open:
        raise AlreadyClosed(request.public_id)
    # One conditional UPDATE: of two DPOs (or tabs) answering at once, one closes the request
    # and the other, waiting for it, changes nothing and is told.
    closed = db.session.execute(
        update(RightsRequest).where(RightsRequest.id == request.id, RightsRequest.status == RequestStatus.OPEN)
        .values(status=status, answer=answer or None, handled_dt=now, handled_by_id=dpo.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(request)
    if not closed:
        raise AlreadyClosed(request.public_id)
    record("request.close", actor=dpo, target=request, now=now,
           details={"kind": request.kind, "status": status, "overdue": request.due_dt < now, **(details or {})})


def record_view(request: RightsRequest, dpo: User, now: datetime) -> None:
    """The request's page shows a guardian's contact data and maybe a child's name (PRIVACY.md
    33): each view is audited. Flushes; the caller commits."""
    record("request.view", actor=dpo, target=request, now=now)


def may_erase(request: RightsRequest) -> bool:
    return (request.kind == RequestKind.ERASURE and request.is_open and request.requester is not None
            and request.requester.role == Role.GUARDIAN)


def carry_out_erasure(request: RightsRequest, dpo: User, now: datetime, answer: str = ""):
    """Close the request as done with the DPO's answer, then erase the requester's account and
    data (which closes their other open requests). One transaction: the caller commits."""
    if not may_erase(request):
        raise AlreadyClosed(request.public_id)
    guardian = request.requester
    close_request(request, RequestStatus.DONE, answer, dpo, now, details={"erased": True})
    report = erase_guardian(guardian, now=now, actor=dpo)
    db.session.refresh(request)  # the requester link is now null
    return report


# --- consent statistics ---------------------------------------------------------------------

@dataclass
class Column:
    purpose: register.Purpose
    audience: str | None


@dataclass
class Row:
    name: str
    children: set[int] = field(default_factory=set)
    guardians: set[int] = field(default_factory=set)
    agreed: dict[int, int] = field(default_factory=dict)  # column index -> count

    def total(self, column: Column) -> int:
        return len(self.children) if column.purpose.consent.subject == consents.CHILD else len(self.guardians)


@dataclass
class ConsentStatistics:
    columns: list[Column]
    rows: list[Row]
    city: Row


def consent_statistics(now: datetime, city_id: int) -> ConsentStatistics:
    """Per establishment and for the whole city: children (or guardians) whose consent is in
    effect, as ``may`` decides it, over all the city's current children (or their guardians).
    Counts only; a fixed number of queries whatever the size of the city."""
    places = db.session.execute(
        select(Establishment.id, Establishment.name, Enrolment.child_id)
        .join(Group, Group.establishment_id == Establishment.id)
        .join(Enrolment, Enrolment.group_id == Group.id)
        .join(Child, Child.id == Enrolment.child_id)
        .where(Child.left_dt.is_(None), Group.school_year == current_school_year(now),
               Establishment.city_id == city_id)
        .order_by(Establishment.name, Establishment.id)).all()
    rows: dict[int, Row] = {}
    city = Row(name="")
    for establishment_id, name, child_id in places:
        rows.setdefault(establishment_id, Row(name=name)).children.add(child_id)
        city.children.add(child_id)
    child_ids = sorted(city.children)
    guardians_of: dict[int, set[int]] = defaultdict(set)
    if child_ids:
        for child_id, user_id in db.session.execute(
                select(GuardianLink.child_id, GuardianLink.user_id).join(User, User.id == GuardianLink.user_id)
                .where(GuardianLink.child_id.in_(child_ids), User.role == Role.GUARDIAN,
                       User.is_enabled.is_(True))):
            guardians_of[child_id].add(user_id)
    for row in [*rows.values(), city]:
        for child_id in row.children:
            row.guardians |= guardians_of.get(child_id, set())

    columns: list[Column] = []
    legal = consents.legal_guardian_ids(child_ids)
    for purpose in register.consent_purposes():
        rule = purpose.consent
        if rule.subject == consents.CHILD:
            states = consents.child_states(child_ids, purpose.key, now)
            for audience in rule.audiences or [None]:
                index = len(columns)
                columns.append(Column(purpose, audience))
                active = {child_id for child_id in child_ids
                          if consents.is_active(rule, legal.get(child_id, set()), states.get((child_id, audience), {}))}
                for row in [*rows.values(), city]:
                    row.agreed[index] = len(row.children & active)
        else:
            index = len(columns)
            columns.append(Column(purpose, None))
            states = consents.guardian_states(city.guardians, purpose.key, now)
            agreeing = {guardian_id for guardian_id, granted in states.items() if granted}
            for row in [*rows.values(), city]:
                row.agreed[index] = len(row.guardians & agreeing)
    return ConsentStatistics(columns=columns, rows=list(rows.values()), city=city)
