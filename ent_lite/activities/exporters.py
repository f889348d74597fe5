"""The activities rows a guardian's export holds (PRIVACY.md C.12): their children's registrations
with the notes for the organiser, attendance and lottery tickets, and the brackets they declared.

A row is about the family when it is about one of the guardian's children or was written by the
guardian. Staff appear by their role (``PersonLabels``), the other guardian as "another guardian".
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from ent_lite.activities import retention
from ent_lite.activities.models import (
    Activity,
    ActivitySession,
    Attendance,
    BracketDeclaration,
    Campaign,
    LotteryEntry,
    QuotientBracket,
    Registration,
    RegistrationNote,
)
from ent_lite.extensions import db
from ent_lite.rights.registry import PersonLabels, child_refs, exporter, row


def _family_registrations(guardian, child_ids):
    return or_(Registration.child_id.in_(child_ids), Registration.guardian_id == guardian.id)


@exporter("registration", _l("Registrations to activities"))
def _registrations(guardian, child_ids):
    found = list(db.session.execute(
        select(Registration, Activity, QuotientBracket.label).join(Activity, Activity.id == Registration.activity_id)
        .outerjoin(QuotientBracket, QuotientBracket.id == Registration.bracket_id)
        .where(_family_registrations(guardian, child_ids)).order_by(Registration.created_dt, Registration.id)))
    refs = child_refs({r.child_id for r, _a, _b in found})
    people = PersonLabels(guardian, [r.guardian_id for r, _a, _b in found])
    return [row(public_id=r.public_id, activity=a.title, child=refs.get(r.child_id), registered_by=people(r.guardian_id),
                status=r.status, choice_rank=r.choice_rank, waiting_rank=r.queue_rank, bracket=label,
                price_cents=r.price_cents, offer_expires_dt=r.offer_expires_dt, created_dt=r.created_dt,
                updated_dt=r.updated_dt, deletion_dt=retention.deletion_date(a)) for r, a, label in found]


@exporter("registration_note", _l("Your notes for the organisers of activities"))
def _notes(guardian, child_ids):
    found = list(db.session.execute(
        select(RegistrationNote, Registration, Activity)
        .join(Registration, Registration.id == RegistrationNote.registration_id)
        .join(Activity, Activity.id == Registration.activity_id)
        .where(_family_registrations(guardian, child_ids)).order_by(RegistrationNote.id)))
    refs = child_refs({r.child_id for _n, r, _a in found})
    return [row(registration=r.public_id, activity=a.title, child=refs.get(r.child_id), note=n.body,
                created_dt=n.created_dt, deletion_dt=retention.deletion_date(n)) for n, r, a in found]


@exporter("activity_attendance", _l("Attendance at activities"))
def _attendance(guardian, child_ids):
    found = list(db.session.execute(
        select(Attendance, Registration.public_id, Registration.child_id, ActivitySession.starts_dt, Activity)
        .join(Registration, Registration.id == Attendance.registration_id)
        .join(ActivitySession, ActivitySession.id == Attendance.session_id)
        .join(Activity, Activity.id == Registration.activity_id)
        .where(_family_registrations(guardian, child_ids)).order_by(ActivitySession.starts_dt, Attendance.id)))
    refs = child_refs({child_id for _t, _p, child_id, _s, _a in found})
    people = PersonLabels(guardian, [t.recorded_by_id for t, *_rest in found])
    return [row(registration=public_id, activity=a.title, child=refs.get(child_id), session_dt=starts,
                present=t.present, recorded_dt=t.recorded_dt, recorded_by=people(t.recorded_by_id),
                deletion_dt=retention.deletion_date(a)) for t, public_id, child_id, starts, a in found]


@exporter("lottery_entry", _l("Tickets in the draws of holiday stays"))
def _lottery_entries(guardian, child_ids):
    found = list(db.session.execute(
        select(LotteryEntry, Campaign).join(Campaign, Campaign.id == LotteryEntry.campaign_id)
        .where(LotteryEntry.child_id.in_(child_ids)).order_by(LotteryEntry.id)))
    refs = child_refs({e.child_id for e, _c in found})
    return [row(campaign=c.title, child=refs.get(e.child_id), ticket=e.ticket, priority_tier=e.tier,
                draw_position=e.draw_position, created_dt=e.created_dt, deletion_dt=retention.deletion_date(c))
            for e, c in found]



@exporter("bracket_declaration", _l("The family-quotient brackets you declared"))
def _declarations(guardian, child_ids):
    found = list(db.session.execute(
        select(BracketDeclaration, QuotientBracket.label)
        .join(QuotientBracket, QuotientBracket.id == BracketDeclaration.bracket_id)
        .where(BracketDeclaration.user_id == guardian.id).order_by(BracketDeclaration.school_year)))
    return [row(school_year=d.school_year, bracket=label, declared_dt=d.declared_dt,
                deletion_dt=retention.deletion_date(d)) for d, label in found]
