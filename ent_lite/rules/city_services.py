"""Conversations with a city service: its shared inbox, and an agent writing to a family.

A city service is a shared inbox. A guardian writes to any service of their city that has an
enabled agent, optionally about one of their current children; the thread records the
guardian (``Thread.guardian_id``). It is read by every city agent with a membership on that
service, by the guardian who wrote, and, about a child, by all the child's current guardians
(as a child thread). Never by another service's agents, teachers, another family, another
city, an admin or the DPO. Each reader keeps their own read mark: agent A opening a thread
does not mark it read for agent B, who still sees A's answer as new. Agents answer and close.

An agent starts a service thread with a family only about a child who has a relationship with
their service (`family_addressees`): never by browsing the city's families (data
minimisation). The thread is about that child, so the same readers apply as above.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select

from ent_lite.accounts.models import Membership, Role, User
from ent_lite.activities.models import Activity, Registration
from ent_lite.conversations.models import Thread
from ent_lite.extensions import db
from ent_lite.rules.reach import role_of
from ent_lite.school.models import Child, Establishment, EstablishmentKind, GuardianLink


@dataclass(frozen=True)
class ServiceContact:
    """A city service a guardian may write to: its shared inbox, read by all its agents."""

    establishment_id: int
    establishment_public_id: str
    establishment_name: str


def is_service_thread(thread: Thread) -> bool:
    """A family's thread with a city service's shared inbox."""
    return ((thread.guardian_id is not None or thread.child_id is not None)
            and thread.establishment.kind == EstablishmentKind.SERVICE)


def service_thread_readers(thread: Thread):
    """SELECT of the readers of a service thread (see above)."""
    agents = and_(User.role == Role.CITY_AGENT,
                  User.memberships.any(Membership.establishment_id == thread.establishment_id))
    family = ([and_(User.role == Role.GUARDIAN, User.id == thread.guardian_id)]
              if thread.guardian_id and thread.child_id is None else [])
    if thread.child_id is not None:
        current_child = select(Child.id).where(Child.id == thread.child_id, Child.left_dt.is_(None)).exists()
        family.append(and_(User.role == Role.GUARDIAN, current_child, User.id.in_(
            select(GuardianLink.user_id).where(GuardianLink.child_id == thread.child_id))))
    return select(User).where(User.is_enabled.is_(True), or_(agents, *family))


def city_services_for(user) -> list[ServiceContact]:
    """The city services a guardian may write to: those of their city with an enabled agent."""
    if role_of(user) != Role.GUARDIAN:
        return []
    staffed = (select(Membership.establishment_id).join(User, User.id == Membership.user_id)
               .where(User.role == Role.CITY_AGENT, User.is_enabled.is_(True)))
    rows = db.session.execute(
        select(Establishment.id, Establishment.public_id, Establishment.name)
        .where(Establishment.city_id == user.city_id, Establishment.kind == EstablishmentKind.SERVICE,
               Establishment.id.in_(staffed))
        .order_by(Establishment.name, Establishment.id)
    ).all()
    return [ServiceContact(*row) for row in rows]


def can_write_to_service(user, establishment_id: int) -> bool:
    return any(s.establishment_id == establishment_id for s in city_services_for(user))


# --- a city agent writes to a family ----------------------------------------------------------
# A child has a relationship with a city service when they hold a registration, whatever its
# status (a waiting list, a cancellation to refund), to an activity the service organises,
# until AGENT_CONTACT_WINDOW after its last session (or its creation while it has none): time
# to settle a refund, a lost item, a certificate. The window closes at that instant exactly.
# Services run no periscolaire site (an establishment has no link to a service), so the
# periscolaire and absence lists give an agent no family to write to. Being about the child,
# the thread is read by the child's current guardians (as any thread about a child, parental
# authority or not) and every agent of the service: the agent is shown exactly those guardians.
AGENT_CONTACT_WINDOW = timedelta(days=90)


def _agent_services(agent):
    """SELECT of the ids of the city services where this city agent works, in their city."""
    return (select(Membership.establishment_id)
            .join(Establishment, Establishment.id == Membership.establishment_id)
            .where(Membership.user_id == agent.id, Establishment.kind == EstablishmentKind.SERVICE,
                   Establishment.city_id == agent.city_id))


def activity_links_families(activity, now: datetime) -> bool:
    """Whether the activity's registrations still let its service write to the families."""
    anchor = activity.last_session_dt or activity.created_dt
    return now <= anchor + AGENT_CONTACT_WINDOW


def may_write_to_families(user) -> bool:
    """City agents write to a family, about a child related to their service (``family_addressees``)."""
    return role_of(user) == Role.CITY_AGENT


def may_write_to_families_of(user, activity, now: datetime) -> bool:
    """Whether an activity's follow-up offers ``user`` "Write to the family": a city agent, in time."""
    return may_write_to_families(user) and activity_links_families(activity, now)


def agent_services_for(agent, child: Child, now: datetime) -> list[int]:
    """The services of ``agent`` the child has a relationship with (ids, by name; one query)."""
    if not may_write_to_families(agent) or child.left_dt is not None or child.city_id != agent.city_id:
        return []
    recent = func.coalesce(Activity.last_session_dt, Activity.created_dt) >= now - AGENT_CONTACT_WINDOW
    related = (select(Activity.establishment_id).join(Registration, Registration.activity_id == Activity.id)
               .where(Registration.child_id == child.id, Activity.city_id == agent.city_id, recent))
    return list(db.session.scalars(
        select(Establishment.id).where(Establishment.id.in_(_agent_services(agent)), Establishment.id.in_(related))
        .order_by(Establishment.name, Establishment.id)))


def family_addressees(agent, child: Child, now: datetime) -> list[User]:
    """The guardians who read what ``agent`` writes about ``child`` ([] without a relationship):
    every open account linked to the child, the family readers of a thread about the child."""
    if not agent_services_for(agent, child, now):
        return []
    return list(db.session.scalars(
        select(User).join(GuardianLink, GuardianLink.user_id == User.id)
        .where(GuardianLink.child_id == child.id,
               User.role == Role.GUARDIAN, User.is_enabled.is_(True), User.city_id == agent.city_id)
        .order_by(GuardianLink.rank, User.last_name, User.first_name, User.id)))
