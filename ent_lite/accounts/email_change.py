"""Email addresses are confirmed before mail goes to them.

``User.email`` is where mail goes, and the login: either the address the school's roster gave,
or one the person confirmed by following an emailed link. An address typed at activation or
on the contact page waits in ``User.pending_email`` until its single-use link (an
AccountToken of purpose "confirm", stored hashed) is followed. Meanwhile the account works and
logs in with either address (a parent who typed a new address at activation expects to log in
with it), the only mail the new address gets is its link, the old address keeps receiving and
is told of the request, and password resets still go to the old address only: an address
nobody has proved to own must not be able to take the account.

An address is taken when it is any other account's address or pending address, so that a
login identifier always names one account.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select

from ent_lite.accounts.models import AccountToken, User
from ent_lite.accounts.tokens import issue_token, revoke_tokens, use_token
from ent_lite.audit.services import record
from ent_lite.core.text import normalise_email
from ent_lite.extensions import db
from ent_lite.notifications import problems

CONFIRM_TOKEN_DAYS = 7


class EmailTaken(ValueError):
    """Another account uses, or waits to confirm, this address."""


def find_user_for_login(email: str | None) -> User | None:
    """The account this address logs in: its confirmed address first, else its pending one."""
    address = normalise_email(email)
    if not address:
        return None
    users = db.session.scalars(
        select(User).where(or_(User.email == address, User.pending_email == address)).limit(2)).all()
    return next((u for u in users if u.email == address), users[0] if users else None)


def address_taken(email: str, by_other_than: User | None = None) -> bool:
    address = normalise_email(email)
    query = select(User.id).where(or_(User.email == address, User.pending_email == address))
    if by_other_than is not None:
        query = query.where(User.id != by_other_than.id)
    return db.session.scalar(query.limit(1)) is not None


def target_address(user: User) -> str:
    """The address the person last chose: the pending one, else the current one."""
    return user.pending_email or user.email or ""


def request_change(user: User, email: str, now: datetime) -> str | None:
    """Make ``email`` wait for its confirmation; returns the link's token to mail, or None when
    the address is already the account's (then any pending change is withdrawn).

    Reset links die either way: one asked for before must not outlive a change of address.
    The account's own address typed again while the mail server refuses it is sent a link
    too: following it confirms the address again and ends the problem (``problems.clear``).
    Raises EmailTaken before changing anything. Flushes; the caller commits, then mails.
    """
    address = normalise_email(email)
    if address_taken(address, by_other_than=user):
        raise EmailTaken(address)
    revoke_tokens(user, "reset", now)
    if address == user.email and problems.active_problem(user) is None:
        user.pending_email = None
        revoke_tokens(user, "confirm", now)
        db.session.flush()
        return None
    user.pending_email = address
    token = issue_token(user, "confirm", now, timedelta(days=CONFIRM_TOKEN_DAYS))
    record("email.change_request", actor=user, target=user, now=now)
    return token


def renew_link(user: User, now: datetime) -> str | None:
    """A new link for the pending address (the earlier one stops working); None when none waits."""
    if user.pending_email is None:
        return None
    return issue_token(user, "confirm", now, timedelta(days=CONFIRM_TOKEN_DAYS))


def confirm(token_row: AccountToken, now: datetime) -> str | None:
    """The pending address becomes the account's; returns the address it replaces.

    Raises EmailTaken when another account took the address meanwhile (the link stays unused).
    """
    user = token_row.user
    address = user.pending_email
    if address is None or address_taken(address, by_other_than=user):
        raise EmailTaken(address or "")
    use_token(token_row, now)
    old = user.email
    user.pending_email = None
    db.session.flush()  # the pending address is free before it becomes the address (both unique)
    user.email = address
    revoke_tokens(user, "reset", now)
    problems.clear(user)  # mail reached the address: a refusal recorded before is over
    record("email.confirm", actor=user, target=user, now=now)
    db.session.flush()
    return old
