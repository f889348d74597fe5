"""Absence notices: declare, acknowledge, cancel. Services flush; the view commits.

- ``declare`` checks everything again (``problems``) and writes one notice per child; the
  periscolaire side is kept only for a child enrolled at a site that year. Sending the same
  notice twice (a double tap) gives back the first one.
- ``acknowledge`` marks the notice seen for the staff member's side; the first mark stays (one
  UPDATE guarded by "not seen yet", so two animators tapping at once cannot overwrite it).
- ``cancel``: the family withdraws a notice until its last day ends; its reason, which may be
  about health and is no longer needed, is deleted at once.

Nothing is sent to the staff: today's list is where they look (no notification to keep
content-free, none to forget).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select, update

from ent_lite.absences import rules
from ent_lite.absences.models import AbsenceNotice, AbsenceReason
from ent_lite.core.dates import format_clock
from ent_lite.extensions import db
from ent_lite.school.models import Child

REASON_MAX_LENGTH = 500


@dataclass(frozen=True)
class AbsenceFields:
    first_day: date
    last_day: date
    to_school: bool
    to_periscolaire: bool
    reason: str = ""


class Refused(Exception):
    """What stops a notice: (field name, message in words for the family) pairs."""

    def __init__(self, reasons: list[tuple[str, str]]):
        super().__init__("; ".join(message for _field, message in reasons))
        self.reasons = reasons


def goes_to_periscolaire(child, fields: AbsenceFields) -> bool:
    """The periscolaire side applies to a child who has a periscolaire group that year."""
    return fields.to_periscolaire and bool(rules.periscolaire_sites(child, fields.first_day))


def problems(child, fields: AbsenceFields, now: datetime) -> list[tuple[str, str]]:
    """Why this notice cannot be sent about this child, as (field name, message); empty: it can.
    The field is the one the family changes to fix it (``to_school``, ``to_periscolaire``,
    ``first_day``, ``last_day``, ``reason``)."""
    found = []
    periscolaire = goes_to_periscolaire(child, fields)
    if not fields.to_school and not periscolaire:
        found.append(("to_school", _("%(child)s has no periscolaire group: tick “At school” to tell the school.",
                                     child=child.first_name) if fields.to_periscolaire
                      else _("Choose the school, the periscolaire or both.")))
    if fields.last_day < fields.first_day:
        found.append(("last_day", _("The last day must be on or after the first day.")))
    elif rules.period_too_long(fields.first_day, fields.last_day):
        found.append(("last_day", _("A notice covers at most %(num)d days: send another one for the days after.",
                                    num=rules.MAX_DAYS)))
    if not rules.school_open(fields.first_day, now):
        found.append(("first_day", _("This day has passed: choose today or a later day.")))
    elif periscolaire and fields.first_day <= fields.last_day and not rules.periscolaire_runs(
            child, fields.first_day, fields.last_day):
        found.append(("to_periscolaire", _(
            "%(child)s’s periscolaire groups do not look after children on these days: untick "
            "“At the periscolaire” or choose other days.", child=child.first_name)))
    elif periscolaire:
        for site in rules.closed_sites(child, fields.first_day, now):
            found.append(("to_periscolaire", _(
                "After %(time)s the periscolaire no longer takes absences for today here: phone %(site)s.",
                time=format_clock(rules.closes_at(site, fields.first_day)), site=site.name)))
    if len(fields.reason) > REASON_MAX_LENGTH:
        found.append(("reason", _("The reason is too long (%(num)d characters at most).", num=REASON_MAX_LENGTH)))
    return found


def declare(guardian, child, fields: AbsenceFields, now: datetime) -> AbsenceNotice:
    """One notice about one child; raises ``Refused`` (nothing written) when it cannot be sent."""
    if not db.session.scalar(select(rules.family_children(guardian).where(Child.id == child.id).exists())):
        raise Refused([("children", _("This child is not among yours."))])
    reasons = problems(child, fields, now)
    if reasons:
        raise Refused(reasons)
    to_periscolaire = goes_to_periscolaire(child, fields)
    same = db.session.scalar(select(AbsenceNotice).where(
        AbsenceNotice.child_id == child.id, AbsenceNotice.cancelled_dt.is_(None),
        AbsenceNotice.first_day == fields.first_day, AbsenceNotice.last_day == fields.last_day,
        AbsenceNotice.to_school.is_(fields.to_school), AbsenceNotice.to_periscolaire.is_(to_periscolaire)))
    if same is not None:
        return same
    notice = AbsenceNotice(child_id=child.id, author_id=guardian.id, first_day=fields.first_day,
                           last_day=fields.last_day, to_school=fields.to_school,
                           to_periscolaire=to_periscolaire, created_dt=now)
    reason = fields.reason.strip()
    if reason:
        notice.reason = AbsenceReason(body=reason, created_dt=now)
    db.session.add(notice)
    db.session.flush()
    return notice


def declare_all(guardian, children: list[Child], fields: AbsenceFields, now: datetime) -> list[AbsenceNotice]:
    """One notice per child, all or none: raises ``Refused`` at the first child refused (the
    caller then rolls back the notices already flushed)."""
    return [declare(guardian, child, fields, now) for child in children]


def refusal_lines(children: list[Child], fields: AbsenceFields, now: datetime,
                  refused: Refused) -> list[tuple[str, str]]:
    """(field name, line) of every child's problems, for the form sent back: each line names
    its child when several were chosen; ``refused``'s own reasons when no child has any (a
    child not among the family's)."""
    found = [(child, name, message) for child in children for name, message in problems(child, fields, now)]
    if not found:
        return list(refused.reasons)
    return [(name, _("%(child)s: %(problem)s", child=child.first_name, problem=message)
             if len(children) > 1 else message) for child, name, message in found]


def acknowledge(notice: AbsenceNotice, staff, now: datetime) -> bool:
    """Mark the notice seen by the staff member's side; False when that side had already seen it."""
    side = rules.side_of(staff)
    if side == rules.SCHOOL:
        seen_dt, seen_by = AbsenceNotice.school_seen_dt, AbsenceNotice.school_seen_by_id
    elif side == rules.PERISCOLAIRE:
        seen_dt, seen_by = AbsenceNotice.periscolaire_seen_dt, AbsenceNotice.periscolaire_seen_by_id
    else:
        raise ValueError("only school or periscolaire staff acknowledge a notice")
    done = db.session.execute(update(AbsenceNotice)
                              .where(AbsenceNotice.id == notice.id, seen_dt.is_(None))
                              .values({seen_dt: now, seen_by: staff.id})
                              .execution_options(synchronize_session=False))
    db.session.refresh(notice)
    return done.rowcount == 1


def cancel(notice: AbsenceNotice, guardian, now: datetime) -> None:
    """The child comes after all: staff see the notice struck through; the reason goes now."""
    if not rules.can_cancel(guardian, notice, now):
        raise Refused([("notice", _("This notice can no longer be cancelled."))])
    notice.cancelled_dt = now
    if notice.reason is not None:
        db.session.delete(notice.reason)
    db.session.flush()
