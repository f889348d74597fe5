"""Staff accounts are created by an admin or a director and activated from an emailed link.

Who may invite whom (decided in ent_lite/rules/staff.py):
- an admin: any staff role, any establishment of their city (or none for city-wide roles);
- a director: teachers, directors and animators of their own school(s) and its classes.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from ent_lite import rules
from ent_lite.accounts import emails, services
from ent_lite.accounts.models import AccountToken, Membership, Role, User
from ent_lite.accounts.tokens import issue_token, use_token
from ent_lite.audit.services import record
from ent_lite.core.text import normalise_email
from ent_lite.extensions import db
from ent_lite.school.models import Establishment, Group

# Roles that work for the whole city and need no establishment.
CITY_WIDE_ROLES = (Role.ADMIN, Role.DPO, Role.CITY_AGENT)


@dataclass
class InviteScope:
    roles: tuple[str, ...]
    establishments: list[Establishment]
    groups: list[Group]

    def establishment(self, public_id: str | None) -> Establishment | None:
        return next((e for e in self.establishments if e.public_id == public_id), None)

    def groups_of(self, establishment: Establishment | None, public_ids) -> list[Group] | None:
        """The chosen groups, or None if one of them is not in ``establishment``."""
        chosen = [g for g in self.groups if g.public_id in set(public_ids or ())]
        if len(chosen) != len(set(public_ids or ())):
            return None
        if any(establishment is None or g.establishment_id != establishment.id for g in chosen):
            return None
        return chosen


@dataclass(frozen=True)
class Placement:
    """Where an invited person works: checked against the inviter's scope."""

    role: str
    establishment: Establishment | None
    groups: list[Group]


def invite_scope(inviter: User) -> InviteScope:
    """The roles, establishments and groups ``inviter`` may choose from (rules.py decides)."""
    reach = rules.reach_of(inviter)
    roles = rules.invitable_roles(inviter, reach)
    if not roles:
        return InviteScope((), [], [])
    establishments = list(db.session.scalars(
        rules.invite_establishments(inviter, reach).order_by(Establishment.name)))
    ids = [e.id for e in establishments]
    groups = list(db.session.scalars(
        select(Group).where(Group.establishment_id.in_(ids)).order_by(Group.school_year.desc(), Group.name)
    )) if ids else []
    return InviteScope(roles, establishments, groups)


def check_invitation(scope: InviteScope, email: str, role: str, establishment_ref: str | None,
                     group_refs) -> tuple[Placement | None, dict[str, list[str]]]:
    """The placement of a new staff member, or translated problems by form field name."""
    problems: dict[str, list[str]] = {}
    establishment = scope.establishment(establishment_ref)
    groups = scope.groups_of(establishment, group_refs)
    if services.email_taken(email):
        problems["email"] = [_("This email address is already used by another account.")]
    if role not in scope.roles:
        problems["role"] = [_("Choose a role from the list.")]
    if establishment_ref and establishment is None:
        problems["establishment"] = [_("Choose an establishment from the list.")]
    elif establishment is None and role not in CITY_WIDE_ROLES:
        problems["establishment"] = [_("Choose the establishment where this person works.")]
    if groups is None:
        problems["groups"] = [_("Choose only classes or groups of the chosen establishment.")]
    if problems:
        return None, problems
    return Placement(role, establishment, groups), problems


def create_staff_user(inviter: User, first_name: str, last_name: str, email: str,
                      placement: Placement) -> User:
    """A staff account without a password, placed in the establishment or its groups.

    ``placement`` comes from ``check_invitation``.
    """
    user = User(city_id=inviter.city_id, role=placement.role, first_name=first_name.strip(),
                last_name=last_name.strip(), email=normalise_email(email), password_hash=None)
    db.session.add(user)
    db.session.flush()
    establishment, groups = placement.establishment, placement.groups
    if establishment is not None:
        # A director sees the whole school; others see only their groups, if any were chosen.
        if placement.role == Role.DIRECTOR or not groups:
            db.session.add(Membership(user_id=user.id, establishment_id=establishment.id))
        for group in groups:
            db.session.add(Membership(user_id=user.id, establishment_id=establishment.id, group_id=group.id))
    db.session.flush()
    return user


def send_staff_invitation(user: User, now: datetime) -> bool:
    """Email ``user`` a single-use link to choose a password (earlier invitation links stop working).

    Returns True when the mail server accepted the email. The caller commits.
    """
    if not user.email:
        return False
    days = current_app.config["INVITE_TOKEN_DAYS"]
    token = issue_token(user, "invite", now, timedelta(days=days))
    return emails.send_invitation(user, token)


def invite(inviter: User, first_name: str, last_name: str, email: str, placement: Placement,
           now: datetime) -> tuple[User, bool]:
    """Create the staff account, email its invitation and audit both; returns the account and
    whether the mail server accepted the email (a refused email leaves "Send again"). The
    caller commits."""
    user = create_staff_user(inviter, first_name, last_name, email, placement)
    sent = send_staff_invitation(user, now)
    record("admin.invite", actor=inviter, target=user, now=now, details={
        "role": placement.role,
        "establishment": placement.establishment.public_id if placement.establishment else None,
        "groups": sorted(g.public_id for g in placement.groups),
        "email_sent": sent,
    })
    return user, sent


def pending_invitations(inviter: User) -> list[User]:
    """Staff in the inviter's reach who have not chosen a password yet."""
    # A disabled account gets no new link: it could not be used.
    query = select(User).where(User.password_hash.is_(None), User.role.in_(Role.STAFF),
                               User.city_id == inviter.city_id, User.is_enabled.is_(True))
    if inviter.role != Role.ADMIN:  # an admin also sees city-wide staff, who have no establishment
        places = rules.invite_establishments(inviter).with_only_columns(Establishment.id)
        query = query.where(User.id.in_(select(Membership.user_id).where(Membership.establishment_id.in_(places))))
    return list(db.session.scalars(query.order_by(User.last_name, User.first_name)))


def accept_invitation(token_row: AccountToken, password: str, now: datetime) -> User:
    user = token_row.user
    use_token(token_row, now)
    services.set_password(user, password, now)
    user.activated_dt = user.activated_dt or now
    return user
