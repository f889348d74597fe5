"""The absence notices a guardian's export holds: every notice about their children, who sent
it ("you" or "another guardian") and when each side saw it, with the reasons given."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from ent_lite.absences import retention
from ent_lite.absences.models import AbsenceNotice, AbsenceReason
from ent_lite.extensions import db
from ent_lite.rights.registry import PersonLabels, child_refs, exporter, row


def _family_notices(guardian, child_ids):
    return or_(AbsenceNotice.child_id.in_(child_ids), AbsenceNotice.author_id == guardian.id)


@exporter("absence_notice", _l("Absences you reported"))
def _notices(guardian, child_ids):
    notices = db.session.scalars(select(AbsenceNotice).where(_family_notices(guardian, child_ids))
                                 .order_by(AbsenceNotice.created_dt, AbsenceNotice.id)).all()
    refs = child_refs({n.child_id for n in notices})
    people = PersonLabels(guardian, [u for n in notices
                                     for u in (n.author_id, n.school_seen_by_id, n.periscolaire_seen_by_id)])
    return [row(public_id=n.public_id, child=refs.get(n.child_id), sent_by=people(n.author_id),
                first_day=n.first_day, last_day=n.last_day, to_school=n.to_school,
                to_periscolaire=n.to_periscolaire, created_dt=n.created_dt, cancelled_dt=n.cancelled_dt,
                school_seen_dt=n.school_seen_dt,
                school_seen_by=people(n.school_seen_by_id) if n.school_seen_by_id else None,
                periscolaire_seen_dt=n.periscolaire_seen_dt,
                periscolaire_seen_by=people(n.periscolaire_seen_by_id) if n.periscolaire_seen_by_id else None,
                deletion_dt=retention.deletion_date(n)) for n in notices]


@exporter("absence_reason", _l("Reasons given for absences"))
def _reasons(guardian, child_ids):
    found = db.session.execute(
        select(AbsenceReason, AbsenceNotice).join(AbsenceNotice, AbsenceNotice.id == AbsenceReason.notice_id)
        .where(_family_notices(guardian, child_ids)).order_by(AbsenceReason.id)).all()
    return [row(notice=n.public_id, reason=r.body, created_dt=r.created_dt, deletion_dt=retention.deletion_date(r))
            for r, n in found]
