"""The school rows a guardian's export holds: their children's records, classes and guardians
(other guardians appear as "another guardian"), and the guardians the roster import holds."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ent_lite.extensions import db
from ent_lite.rights.registry import PersonLabels, child_refs, deletion, exporter, row
from ent_lite.school.models import Child, Enrolment, Establishment, Group, GuardianLink, RosterReview


@exporter("child", _l("Your children's records"))
def _children(guardian, child_ids):
    rows = db.session.scalars(select(Child).where(Child.id.in_(child_ids)).order_by(Child.id))
    return [row(public_id=c.public_id, first_name=c.first_name, last_name=c.last_name, birth_date=c.birth_date,
                 level=c.level, created_dt=c.created_dt, left_dt=c.left_dt,
                 deletion_dt=deletion("pupil_records", c.left_dt)) for c in rows]


@exporter("enrolment", _l("Classes and groups"))
def _enrolments(guardian, child_ids):
    refs = child_refs(child_ids)
    rows = db.session.execute(
        select(Enrolment.child_id, Group.name, Group.kind, Group.school_year, Establishment.name)
        .join(Group, Group.id == Enrolment.group_id).join(Establishment, Establishment.id == Group.establishment_id)
        .where(Enrolment.child_id.in_(child_ids)).order_by(Enrolment.id))
    return [row(child=refs.get(cid), group=name, kind=kind, school_year=year, establishment=place)
            for cid, name, kind, year, place in rows]


@exporter("guardian_link", _l("Guardians of your children"))
def _guardian_links(guardian, child_ids):
    links = list(db.session.scalars(select(GuardianLink).where(GuardianLink.child_id.in_(child_ids))
                                    .order_by(GuardianLink.child_id, GuardianLink.rank)))
    refs, people = child_refs(child_ids), PersonLabels(guardian, [link.user_id for link in links])
    return [row(child=refs.get(link.child_id), guardian=people(link.user_id), rank=link.rank,
                 relation=link.relation, legal_authority=link.legal_authority) for link in links]


@exporter("roster_review", _l("Guardians of your children awaiting a check by the city"))
def _roster_reviews(guardian, child_ids):
    # The held guardian may be another family's namesake: the row says what waits, never who.
    reviews = list(db.session.scalars(select(RosterReview).where(RosterReview.child_id.in_(child_ids))
                                      .order_by(RosterReview.child_id, RosterReview.rank)))
    refs = child_refs(child_ids)
    return [row(child=refs.get(r.child_id), rank=r.rank, relation=r.relation, school_year=r.school_year,
                held_since=r.created_dt) for r in reviews]
