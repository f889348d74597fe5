"""What an activity's organisers see: its counts, its waiting list, the roster of each session.

Rules kept:
- only the children holding a place (confirmed) are on a roster; each comes with their level,
  school, guardians' names and phone numbers and the family's note for the organiser (sensitive:
  shown on the page only, never copied into the CSV file, which outlives the note's 15 days);
- a roster costs the same handful of queries whatever the number of children;
- attendance is one row per session and registration (an upsert: the last tap wins), recorded
  with who took it, and only for a child holding a place on that session's activity.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from ent_lite.accounts.models import User
from ent_lite.activities.models import (
    Activity,
    ActivitySession,
    Attendance,
    Registration,
    RegistrationNote,
    RegistrationStatus,
)
from ent_lite.core import upsert
from ent_lite.core.dates import format_when
from ent_lite.extensions import db
from ent_lite.forms.csv_export import spreadsheet_csv
from ent_lite.school.models import Child, Enrolment, Establishment, Group, GroupKind, GuardianLink


@dataclass
class Guardian:
    name: str
    phone: str | None


@dataclass
class RosterLine:
    registration: Registration
    child: Child
    school: str = ""
    guardians: list[Guardian] = field(default_factory=list)
    note: str | None = None
    present: bool | None = None  # this session's attendance; None: not taken yet


@dataclass
class FollowUp:
    capacity: int
    confirmed: int
    waiting: int
    offers: list[tuple[Registration, Child]]       # places held until the offer's deadline
    holders: list[tuple[Registration, Child]]      # confirmed, by name
    queue: list[tuple[Registration, Child]]        # waiting list, first in line first

    @property
    def free(self) -> int:
        return max(self.capacity - self.confirmed - len(self.offers), 0)


def _with_children(activity: Activity, statuses: tuple[str, ...], order) -> list[tuple[Registration, Child]]:
    return [tuple(pair) for pair in db.session.execute(
        select(Registration, Child).join(Child, Child.id == Registration.child_id)
        .where(Registration.activity_id == activity.id, Registration.status.in_(statuses)).order_by(*order))]


def follow_up(activity: Activity) -> FollowUp:
    by_name = (Child.last_name, Child.first_name, Registration.id)
    holders = _with_children(activity, (RegistrationStatus.CONFIRMED,), by_name)
    offers = _with_children(activity, (RegistrationStatus.OFFERED,), (Registration.offer_expires_dt, Registration.id))
    queue = _with_children(activity, (RegistrationStatus.WAITING,), (Registration.queue_rank, Registration.id))
    return FollowUp(activity.capacity, len(holders), len(queue), offers, holders, queue)


def find_session(activity: Activity, public_id: str) -> ActivitySession | None:
    return db.session.scalar(select(ActivitySession).where(
        ActivitySession.public_id == public_id, ActivitySession.activity_id == activity.id))


def find_registration(activity: Activity, public_id: str) -> Registration | None:
    return db.session.scalar(select(Registration).where(
        Registration.public_id == public_id, Registration.activity_id == activity.id))


def _guardians(child_ids: list[int]) -> dict[int, list[Guardian]]:
    found: dict[int, list[Guardian]] = {}
    for child_id, first, last, phone in db.session.execute(
            select(GuardianLink.child_id, User.first_name, User.last_name, User.phone)
            .join(User, User.id == GuardianLink.user_id).where(GuardianLink.child_id.in_(child_ids))
            .order_by(GuardianLink.child_id, GuardianLink.rank, GuardianLink.id)):
        found.setdefault(child_id, []).append(Guardian(f"{first} {last}", phone or None))
    return found


def _schools(child_ids: list[int], school_year: str) -> dict[int, str]:
    """The school of each child's class, that of the activity's school year first."""
    schools: dict[int, str] = {}
    rows = db.session.execute(
        select(Enrolment.child_id, Establishment.name, Group.school_year)
        .join(Group, Group.id == Enrolment.group_id).join(Establishment, Establishment.id == Group.establishment_id)
        .where(Enrolment.child_id.in_(child_ids), Group.kind == GroupKind.CLASS)
        .order_by(Enrolment.child_id, Group.school_year.desc()))
    for child_id, name, year in rows:
        if child_id not in schools or year == school_year:
            schools[child_id] = name
    return schools


def roster(activity: Activity, session: ActivitySession | None = None) -> list[RosterLine]:
    """The children holding a place, by name; with ``session``, its attendance (five queries)."""
    rows = db.session.execute(
        select(Registration, Child, RegistrationNote.body).join(Child, Child.id == Registration.child_id)
        .outerjoin(RegistrationNote, RegistrationNote.registration_id == Registration.id)
        .where(Registration.activity_id == activity.id, Registration.status == RegistrationStatus.CONFIRMED)
        .order_by(Child.last_name, Child.first_name, Registration.id)).all()
    lines = [RosterLine(registration, child, note=note) for registration, child, note in rows]
    child_ids = [line.child.id for line in lines]
    if not child_ids:
        return lines
    guardians, schools = _guardians(child_ids), _schools(child_ids, activity.school_year)
    present = {}
    if session is not None:
        present = dict(db.session.execute(select(Attendance.registration_id, Attendance.present).where(
            Attendance.session_id == session.id,
            Attendance.registration_id.in_([line.registration.id for line in lines]))).all())
    for line in lines:
        line.guardians = guardians.get(line.child.id, [])
        line.school = schools.get(line.child.id, "")
        line.present = present.get(line.registration.id)
    return lines


def may_take_attendance(registration: Registration, session: ActivitySession) -> bool:
    return registration.activity_id == session.activity_id and registration.status == RegistrationStatus.CONFIRMED


def record_attendance(session: ActivitySession, registration: Registration, present: bool, actor, now: datetime) -> None:
    """Present or absent for one session; a second tap replaces the first (unique session+registration)."""
    if not may_take_attendance(registration, session):
        raise ValueError("attendance is taken only for a child holding a place on this activity")
    statement = upsert.insert(Attendance).values(session_id=session.id, registration_id=registration.id,
                                                 present=present, recorded_dt=now, recorded_by_id=actor.id)
    db.session.execute(statement.on_conflict_do_update(
        index_elements=["session_id", "registration_id"],
        set_={"present": statement.excluded.present, "recorded_dt": statement.excluded.recorded_dt,
              "recorded_by_id": statement.excluded.recorded_by_id}))


def _attendance_word(value: bool | None) -> str:
    if value is None:
        return ""
    return _("Present") if value else _("Absent")


def roster_rows(activity: Activity) -> list[list[str]]:
    """Header then one row per child holding a place: who, their guardians, attendance per session."""
    sessions = list(activity.sessions)
    lines = roster(activity)
    taken = {(session_id, registration_id): present for session_id, registration_id, present in db.session.execute(
        select(Attendance.session_id, Attendance.registration_id, Attendance.present)
        .where(Attendance.session_id.in_([s.id for s in sessions])))} if sessions else {}
    most = max((len(line.guardians) for line in lines), default=0)
    header = [_("Last name"), _("First name"), _("Level"), _("School")]
    for rank in range(1, max(most, 1) + 1):
        header += [_("Guardian %(num)d", num=rank), _("Phone of guardian %(num)d", num=rank)]
    header += [format_when(s.starts_dt) for s in sessions]
    table = [header]
    for line in lines:
        cells = [line.child.last_name, line.child.first_name, line.child.level, line.school]
        for rank in range(max(most, 1)):
            guardian = line.guardians[rank] if rank < len(line.guardians) else None
            cells += [guardian.name, guardian.phone or ""] if guardian else ["", ""]
        cells += [_attendance_word(taken.get((s.id, line.registration.id))) for s in sessions]
        table.append(cells)
    return table


def roster_csv(activity: Activity) -> bytes:
    """UTF-8 with a BOM, ";" between fields, CRLF, no cell a spreadsheet would run as a formula."""
    return spreadsheet_csv(roster_rows(activity)).encode("utf-8")

