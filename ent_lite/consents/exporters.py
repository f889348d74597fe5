"""The consents a guardian's export holds: every record given for them or their children, by
whom ("you" or "another guardian"), under which version of the notice."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from ent_lite.consents.models import ConsentRecord
from ent_lite.extensions import db
from ent_lite.rights.registry import PersonLabels, child_refs, exporter, row


@exporter("consent_record", _l("Consents given and withdrawn"))
def _consents(guardian, child_ids):
    rows = list(db.session.scalars(select(ConsentRecord).where(
        or_(ConsentRecord.guardian_id == guardian.id, ConsentRecord.child_id.in_(child_ids))).order_by(ConsentRecord.id)))
    refs, people = child_refs(child_ids), PersonLabels(guardian, [r.guardian_id for r in rows])
    return [row(public_id=r.public_id, purpose=r.purpose, audience=r.audience, child=refs.get(r.child_id),
                 given_by=people(r.guardian_id), granted=r.granted, notice_version=r.notice_hash,
                 created_dt=r.created_dt) for r in rows]
