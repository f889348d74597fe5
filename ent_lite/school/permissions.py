"""Who may see a school's activation codes: its director(s) and the city's admins."""
from __future__ import annotations

from ent_lite.accounts.models import Role, User
from ent_lite.school.models import Group, GroupKind


def directed_school_ids(user: User) -> set[int]:
    """A director's schools: memberships on a whole establishment (no group)."""
    if user.role != Role.DIRECTOR:
        return set()
    return {m.establishment_id for m in user.memberships if m.group_id is None}


def can_see_codes(user: User, group: Group) -> bool:
    if group.kind != GroupKind.CLASS:
        return False
    if user.role == Role.ADMIN:
        return group.establishment.city_id == user.city_id
    return group.establishment_id in directed_school_ids(user)
