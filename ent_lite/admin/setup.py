"""A city's first administrator, created from the command line on an empty database.

Nobody can invite the first administrator through the pages, so ``flask ent-lite
create-admin`` does it: the same staff invitation (a single-use link, emailed, and also
printed for the person running the command in case the mail is not delivered yet), the same
second factor at the first login, one audit entry. The City row is created when the
database holds none (the roster import would create it otherwise).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _

from ent_lite.accounts import emails
from ent_lite.accounts.email_change import find_user_for_login
from ent_lite.accounts.models import Role, User
from ent_lite.accounts.tokens import issue_token
from ent_lite.audit.services import record
from ent_lite.core.text import fold
from ent_lite.extensions import db
from ent_lite.school.services import get_city, get_or_create_city


class SetupError(Exception):
    """A translated reason why the administrator was not created."""


@dataclass
class NewAdmin:
    user: User
    link: str
    email_sent: bool
    city_created: bool
    city_name: str


def create_admin(email: str, first_name: str, last_name: str, city_name: str | None,
                 now: datetime) -> NewAdmin:
    """Create (or invite again, while the invitation is not accepted) an administrator. Flushes."""
    try:
        address = validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise SetupError(_("This email address is not valid.")) from None
    if not first_name.strip() or not last_name.strip():
        raise SetupError(_("Give the administrator's first and last names."))
    city = get_city()
    if city is not None and city_name and fold(city_name) != fold(city.name):
        raise SetupError(_("This database already serves the city “%(name)s”.", name=city.name))
    user = find_user_for_login(address)  # a confirmed or a waiting address
    if user is not None and not (user.role == Role.ADMIN and user.password_hash is None and user.is_enabled):
        raise SetupError(_("This email address is already used by another account."))
    created_city = city is None
    city = city or get_or_create_city(city_name or current_app.config["CITY_NAME"])
    if user is None:
        user = User(city_id=city.id, role=Role.ADMIN, first_name=first_name.strip(),
                    last_name=last_name.strip(), email=address, password_hash=None, created_dt=now)
        db.session.add(user)
        db.session.flush()
    token = issue_token(user, "invite", now, timedelta(days=current_app.config["INVITE_TOKEN_DAYS"]))
    sent = emails.send_invitation(user, token)
    record("admin.create_admin", target=user, now=now,
           details={"source": "cli", "city_created": created_city, "email_sent": sent})
    return NewAdmin(user, emails.external_url("accounts.accept_invitation", token=token), sent, created_city,
                    city.name)
