"""Registering children to a first-come activity: who may, and the registration itself.

A guardian may register a child when all of these hold (``problems`` lists those that do not,
in words the family reads):
- they are a guardian of the child with parental authority, and the child is on the roster
  of the activity's city;
- the activity is published and not withdrawn, its window is open (opens <= now < closes)
  and it is first come (a lottery goes through its campaign's request);
- the child fits its ages and levels (``eligibility``);
- the child is not registered already (a cancelled, declined or expired registration may
  register again: its row is reused, one row per activity and child);
- no session overlaps a session of another activity where the child holds or waits for a place.

``register`` re-checks everything and registers all the ticked children or none: the price
and the bracket are frozen on each row, the place is taken atomically (``allocation``), and
each family is told through the outbox.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import and_, exists, select, update
from sqlalchemy.exc import IntegrityError

from ent_lite.activities import allocation, eligibility, notify
from ent_lite.activities.models import (
    Activity,
    ActivitySession,
    QuotientBracket,
    Registration,
    RegistrationNote,
    RegistrationStatus,
)
from ent_lite.core.aliases import alias_of
from ent_lite.core.dates import format_when
from ent_lite.extensions import db
from ent_lite.school.models import Child, GuardianLink

NOTE_MAX_LENGTH = 500
# Where the child holds or waits for a place: a session there clashes.
BUSY = (RegistrationStatus.CONFIRMED, RegistrationStatus.OFFERED, RegistrationStatus.WAITING)


class Refused(Exception):
    """The whole submission is refused: ``reasons`` are (child or None, message) pairs."""

    def __init__(self, reasons: list[tuple[Child | None, str]]):
        super().__init__("registration refused")
        self.reasons = reasons


def has_authority(user, child: Child) -> bool:
    return db.session.scalar(select(GuardianLink.legal_authority).where(
        GuardianLink.user_id == user.id, GuardianLink.child_id == child.id)) is True


def active_registration(activity: Activity, child: Child) -> Registration | None:
    return db.session.scalar(select(Registration).where(
        Registration.activity_id == activity.id, Registration.child_id == child.id,
        Registration.status.in_(RegistrationStatus.ACTIVE)))


def has_clash(activity: Activity, child: Child) -> bool:
    """A session of ``activity`` overlaps one of another activity where the child is busy."""
    mine, theirs = alias_of(ActivitySession, "mine"), alias_of(ActivitySession, "theirs")
    return bool(db.session.scalar(select(exists().where(
        mine.activity_id == activity.id,
        theirs.activity_id != activity.id,
        mine.starts_dt < theirs.ends_dt, theirs.starts_dt < mine.ends_dt,
        Registration.activity_id == theirs.activity_id, Registration.child_id == child.id,
        Registration.status.in_(BUSY)))))


def window_problem(activity: Activity, now: datetime) -> str | None:
    opens, closes = activity.window()
    if opens is None or closes is None:
        return _("Registration is not open for this activity.")
    if now < opens:
        return _("Registration opens on %(when)s.", when=format_when(opens, now))
    if now >= closes:
        return _("Registration closed on %(when)s.", when=format_when(closes, now))
    return None


def problems(user, child: Child, activity: Activity, now: datetime) -> list[str]:
    """Why ``user`` may not register ``child`` to ``activity`` now; empty when they may."""
    if not has_authority(user, child) or child.city_id != user.city_id:
        return [_("Only a parent or guardian with parental authority can register this child.")]
    if child.left_dt is not None or child.city_id != activity.city_id:
        return [_("This child is not on the roster of the city's schools.")]
    if not activity.is_published(now):
        return [_("This activity is not open to registration.")]
    if activity.is_lottery:
        return [_("Places for this activity are drawn by lot: make a request on the campaign page.")]
    found = []
    window = window_problem(activity, now)
    if window:
        found.append(window)
    if not eligibility.profile_fits(activity, child):
        found.append(_("This activity is not for this child's age or school level."))
    if active_registration(activity, child) is not None:
        found.append(_("Already registered for this activity."))
    elif has_clash(activity, child):
        found.append(_("This child already has an activity at the same time."))
    return found


@dataclass
class Outcome:
    child: Child
    registration: Registration


def register(user, activity: Activity, children: list[Child], bracket: QuotientBracket,
             price_cents: int, notes: Mapping[int, str], now: datetime) -> list[Outcome]:
    """Register every child or none (raises ``Refused``; the caller then rolls back).

    ``notes`` maps a child's id to the family's note about that child (health, allergies):
    each note is stored on that child's registration only, never on a brother's or sister's.

    The caller has checked the bracket and its price; the checks of ``problems`` are done
    here again, in the transaction that registers.
    """
    reasons = [(child, reason) for child in children for reason in problems(user, child, activity, now)]
    if reasons:
        raise Refused(reasons)
    outcomes = []
    try:
        for child in children:
            registration = _row_for(activity, child, now)
            registration.guardian_id = user.id
            registration.bracket_id = bracket.id
            registration.price_cents = price_cents
            registration.offer_expires_dt = None
            registration.campaign_id = registration.choice_rank = None
            db.session.flush()
            allocation.place_first_come(registration, now)
            _set_note(registration, notes.get(child.id, ""), now)
            db.session.flush()
            notify.status_changed(registration, now, actor_id=user.id)
            outcomes.append(Outcome(child, registration))
        db.session.flush()
    except IntegrityError as error:
        # The same form sent twice, or two tabs: the unique (activity, child) row was
        # inserted by the other request meanwhile.
        raise Refused([(None, _("Already registered for this activity."))]) from error
    return outcomes


def _row_for(activity: Activity, child: Child, now: datetime) -> Registration:
    """A new row, or the child's cancelled/declined/expired one taken back by a conditional
    UPDATE (two requests reusing it: one wins, the other is told it is already registered)."""
    old = db.session.scalar(select(Registration).where(
        Registration.activity_id == activity.id, Registration.child_id == child.id))
    if old is None:
        registration = Registration(activity_id=activity.id, child_id=child.id,
                                    status=RegistrationStatus.REQUESTED, created_dt=now, updated_dt=now)
        db.session.add(registration)
        return registration
    taken = db.session.execute(
        update(Registration).where(Registration.id == old.id,
                                   Registration.status.not_in(RegistrationStatus.ACTIVE))
        .values(status=RegistrationStatus.REQUESTED, updated_dt=now)
        .execution_options(synchronize_session="fetch")).rowcount
    if taken != 1:
        raise Refused([(child, _("Already registered for this activity."))])
    return old


def _set_note(registration: Registration, note: str, now: datetime) -> None:
    note = (note or "").strip()
    if registration.note is not None and not note:
        db.session.delete(registration.note)
        registration.note = None
    elif note:
        if registration.note is None:
            registration.note = RegistrationNote(body=note, created_dt=now)
        else:
            registration.note.body, registration.note.created_dt = note, now


def family_children(user, *, authority_only: bool) -> list[Child]:
    """The children the guardian is linked to, still on the roster of their city, by first name.

    ``authority_only``: only those they may register (parental authority). The registration
    form lists the others too, saying why they cannot be ticked; the family's list of
    activities does not offer what cannot be registered.
    """
    query = (select(Child).join(GuardianLink, and_(GuardianLink.child_id == Child.id,
                                                   GuardianLink.user_id == user.id))
             .where(Child.left_dt.is_(None), Child.city_id == user.city_id)
             .order_by(Child.first_name, Child.id))
    if authority_only:
        query = query.where(GuardianLink.legal_authority.is_(True))
    return list(db.session.scalars(query))
