"""Who manages which activities.

- city_agent: the activities organised by the city service(s) of their memberships;
- animator: those of the periscolaire site(s) of their memberships (a group membership counts
  for its site);
- everyone else manages none. Staff of an activity (its managers) see its lists of children
  with their guardians' phone numbers; nobody else does.
- city agents and the admin see the city indicator.
"""
from __future__ import annotations

from sqlalchemy import Select, select

from ent_lite.accounts.models import Membership, Role
from ent_lite.activities.models import Activity, Campaign
from ent_lite.core.db_types import PUBLIC_ID_LENGTH
from ent_lite.extensions import db
from ent_lite.school.models import Establishment, EstablishmentKind

# Which kind of establishment each role organises activities for.
ORGANISER_KIND = {Role.CITY_AGENT: EstablishmentKind.SERVICE, Role.ANIMATOR: EstablishmentKind.PERISCOLAIRE}


def managed_establishment_ids(user) -> frozenset[int]:
    """The services or periscolaire sites whose activities ``user`` manages (one query)."""
    kind = ORGANISER_KIND.get(getattr(user, "role", None))
    if kind is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    return frozenset(db.session.scalars(
        select(Membership.establishment_id).join(Establishment, Establishment.id == Membership.establishment_id)
        .where(Membership.user_id == user.id, Establishment.kind == kind, Establishment.city_id == user.city_id)
    ))


def may_manage_activities(user) -> bool:
    return bool(managed_establishment_ids(user))


def can_manage(user, activity: Activity) -> bool:
    return activity.city_id == getattr(user, "city_id", None) and \
        activity.establishment_id in managed_establishment_ids(user)


def can_manage_campaign(user, campaign: Campaign) -> bool:
    return campaign.city_id == getattr(user, "city_id", None) and \
        campaign.establishment_id in managed_establishment_ids(user)


def find_managed(user, public_id: str) -> Activity | None:
    """The activity ``public_id`` if ``user`` manages it, else None (the views answer 404);
    an over-long id is not even looked up."""
    if len(public_id) > PUBLIC_ID_LENGTH:
        return None
    activity = db.session.scalar(select(Activity).where(Activity.public_id == public_id))
    return activity if activity is not None and can_manage(user, activity) else None


def managed_activities(user) -> Select:
    """SELECT of the activities ``user`` manages, newest first."""
    ids = managed_establishment_ids(user)
    return (select(Activity).where(Activity.establishment_id.in_(ids), Activity.city_id == user.city_id)
            .order_by(Activity.created_dt.desc(), Activity.id.desc()))


def may_see_indicator(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.role in (Role.CITY_AGENT, Role.ADMIN)
