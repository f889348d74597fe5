"""Addresses the mail server refused for good, shown to administrators and to the person.

A refusal (``EmailProblem``, recorded by the sender) counts only while the account still has
the refused address: once the address changes, anywhere (contact page, administrator,
roster), the problem is over without anyone remembering to clear it. Confirming an address
by its emailed link proves that mail reaches it, so ``clear`` is called then too.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select

from ent_lite.accounts.models import User
from ent_lite.extensions import db
from ent_lite.notifications.models import EmailProblem


def _live():
    return select(EmailProblem).join(User, User.id == EmailProblem.user_id).where(EmailProblem.address == User.email)


def active_problem(user: User) -> EmailProblem | None:
    """The refusal of the account's current address, if any."""
    return db.session.scalar(_live().where(EmailProblem.user_id == user.id))


def login_notice(user: User, now: datetime) -> EmailProblem | None:
    """The refusal to tell at this login: once, the first login after it was recorded. Flushes."""
    problem = active_problem(user)
    if problem is None or problem.shown_dt is not None:
        return None
    problem.shown_dt = now
    db.session.flush()
    return problem


def clear(user: User) -> None:
    """The person proved that mail reaches their address (or gave another one). Flushes."""
    db.session.execute(delete(EmailProblem).where(EmailProblem.user_id == user.id))


def refused_accounts(city_id: int) -> list[tuple[User, EmailProblem]]:
    """The city's accounts whose current address is refused, latest refusal first."""
    return [(user, problem) for problem, user in db.session.execute(
        _live().add_columns(User).where(User.city_id == city_id)
        .order_by(EmailProblem.recorded_dt.desc(), EmailProblem.id.desc()))]


def refused_count(city_id: int) -> int:
    return db.session.scalar(_live().with_only_columns(func.count(EmailProblem.id)).where(User.city_id == city_id)) or 0
