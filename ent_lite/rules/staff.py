"""School staff: activation codes and staff invitations.

A director acts for the schools they run (Reach.directed_ids), an admin for every
establishment of their city. The codes pages show an admin the names of a class's pupils and
guardians (to print the letters), never posts.
"""
from __future__ import annotations

from sqlalchemy import false, select

from ent_lite.accounts.models import Role
from ent_lite.rules.reach import Reach, reach_of
from ent_lite.school.models import Child, Enrolment, Establishment, EstablishmentKind, Group, GroupKind


DIRECTOR_MAY_INVITE = (Role.TEACHER, Role.DIRECTOR, Role.ANIMATOR)


def directed_school_ids(user, reach: Reach | None = None) -> frozenset[int]:
    """The schools a director runs (whole-school memberships); empty for every other role."""
    reach = reach or reach_of(user)
    return reach.directed_ids if reach.role == Role.DIRECTOR else frozenset()


def visible_code_schools(user, reach: Reach | None = None):
    """SELECT of the schools whose activation codes this user may print."""
    reach = reach or reach_of(user)
    schools = select(Establishment).where(Establishment.kind == EstablishmentKind.SCHOOL)
    if reach.role == Role.ADMIN:
        return schools.where(Establishment.city_id == user.city_id)
    directed = directed_school_ids(user, reach)
    return schools.where(Establishment.id.in_(sorted(directed)) if directed else false())


def can_see_codes(user, group: Group, reach: Reach | None = None) -> bool:
    """A class's activation codes: its school's director(s) and the city's admins."""
    if group.kind != GroupKind.CLASS:
        return False
    reach = reach or reach_of(user)
    if reach.role == Role.ADMIN:
        return group.establishment.city_id == user.city_id
    return group.establishment_id in directed_school_ids(user, reach)


def code_children(user, group: Group, reach: Reach | None = None):
    """SELECT of the pupils still in a class whose activation letters this user may print."""
    if not can_see_codes(user, group, reach):
        return select(Child).where(false())
    return select(Child).where(Child.left_dt.is_(None), Child.enrolments.any(Enrolment.group_id == group.id))


def invitable_roles(user, reach: Reach | None = None) -> tuple[str, ...]:
    """The staff roles this user may invite: any for an admin, school staff for a director."""
    role = (reach or reach_of(user)).role
    if role == Role.ADMIN:
        return tuple(Role.STAFF)
    return DIRECTOR_MAY_INVITE if role == Role.DIRECTOR else ()


def invite_establishments(user, reach: Reach | None = None):
    """SELECT of the establishments where this user may place the staff they invite."""
    reach = reach or reach_of(user)
    if reach.role == Role.ADMIN:
        return select(Establishment).where(Establishment.city_id == user.city_id)
    directed = reach.directed_ids if reach.role == Role.DIRECTOR else ()  # a site lead invites nobody
    return select(Establishment).where(Establishment.id.in_(sorted(directed)) if directed else false())
