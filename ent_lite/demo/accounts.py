"""The demo's printed accounts: the one list that ``seed-demo`` prints and the tests read.

An activated account of every role (``ROLE_ORDER``), the periscolaire site lead after the
animator, and last the printed family: the first activated guardian of several children. The
teacher and director shown are those of that family's first child, so that their posts can be
seen from both sides. Found in the database, not remembered from the seed, so that a second
run of the command (nothing seeded) prints the same accounts. Every one signs in with
``data.DEMO_PASSWORD``.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from ent_lite.accounts.models import Membership, Role, User
from ent_lite.extensions import db
from ent_lite.school.models import Child, City, Enrolment, Establishment, EstablishmentKind, Group, GroupKind, GuardianLink

ROLE_ORDER = (Role.ADMIN, Role.DPO, Role.DIRECTOR, Role.TEACHER, Role.ANIMATOR, Role.CITY_AGENT)


@dataclass(frozen=True)
class PrintedAccount:
    role: str
    user: User
    who: str  # name, and where they work or whose parent they are

    @property
    def email(self) -> str:
        return self.user.email


def printed_accounts(city: City) -> list[PrintedAccount]:
    """The accounts the demo prints, in the printed order."""
    activated = select(User).where(User.city_id == city.id, User.password_hash.is_not(None)).order_by(User.id)
    parent = db.session.scalar(
        activated.join(GuardianLink, GuardianLink.user_id == User.id).where(User.role == Role.GUARDIAN)
        .group_by(User.id).having(func.count(GuardianLink.id) >= 2).limit(1)
    )
    classes = _classes_of(parent) if parent else []
    staff = {}
    if classes:
        staff[Role.TEACHER] = activated.join(Membership).where(Membership.group_id == classes[0][1].id)
        staff[Role.DIRECTOR] = activated.join(Membership).where(
            Membership.establishment_id == classes[0][1].establishment_id, Membership.group_id.is_(None))
    accounts = []
    for role in ROLE_ORDER:
        user = db.session.scalar(staff.get(role, activated).where(User.role == role).limit(1))
        if user is not None:
            accounts.append(PrintedAccount(role, user, f"{user.display_name}{_place(user)}"))
        if role == Role.ANIMATOR:
            accounts += _site_lead(activated)
    if parent is not None:
        children = ", ".join(f"{first_name} ({group.name}, {group.establishment.name})"
                             for first_name, group in classes)
        accounts.append(PrintedAccount(Role.GUARDIAN, parent, f"{parent.display_name}, parent of {children}"))
    return accounts


def printed_by_role(city: City) -> dict[str, list[User]]:
    """The printed users by role, in the printed order (two animators: the evening group's,
    then the site lead)."""
    found: dict[str, list[User]] = {}
    for account in printed_accounts(city):
        found.setdefault(account.role, []).append(account.user)
    return found


def _site_lead(activated) -> list[PrintedAccount]:
    """The animator who leads a periscolaire site (a membership with no group): every group of it."""
    row = db.session.execute(
        activated.add_columns(Establishment.name).join(Membership, Membership.user_id == User.id)
        .join(Establishment, Establishment.id == Membership.establishment_id)
        .where(User.role == Role.ANIMATOR, Membership.group_id.is_(None),
               Establishment.kind == EstablishmentKind.PERISCOLAIRE).limit(1)).first()
    if row is None:
        return []
    lead, site = row
    return [PrintedAccount(Role.ANIMATOR, lead, f"{lead.display_name}, site lead of {site} (all its groups)")]


def _classes_of(parent: User) -> list[tuple[str, Group]]:
    return db.session.execute(
        select(Child.first_name, Group)
        .join(GuardianLink, GuardianLink.child_id == Child.id)
        .join(Enrolment, Enrolment.child_id == Child.id)
        .join(Group, Group.id == Enrolment.group_id)
        .where(GuardianLink.user_id == parent.id, Group.kind == GroupKind.CLASS)
        .order_by(Child.id)
    ).all()


def _place(user: User) -> str:
    places = [f"{m.group.name} ({m.establishment.name})" if m.group else m.establishment.name
              for m in user.memberships]
    return f", {', '.join(places)}" if places else ""
