"""Account rules: authentication, passwords, reset, guardian activation. Services flush; views commit."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from ent_lite.accounts import email_change, emails
from ent_lite.accounts.email_change import address_taken, find_user_for_login
from ent_lite.accounts.models import AccountToken, ActivationCode, Role, User
from ent_lite.accounts.password_policy import PasswordContext, context_words_for, place_words
from ent_lite.accounts.passwords import hash_password, needs_rehash, verify_password
from ent_lite.accounts.tokens import TokenAlreadyUsed, issue_token, revoke_tokens, use_token
from ent_lite.audit.services import record
from ent_lite.core.text import fold_joined, normalise_email
from ent_lite.extensions import db
from ent_lite.school.models import City
from ent_lite.school.services import place_names


def find_user_by_email(email: str | None) -> User | None:
    """The account whose (confirmed) address this is: where a reset link may go."""
    address = normalise_email(email)
    if not address:
        return None
    # Addresses are stored lower-cased.
    return db.session.scalar(select(User).where(User.email == address))


def email_taken(email: str, by_other_than: User | None = None) -> bool:
    """Another account has this address, or waits to confirm it."""
    return address_taken(email, by_other_than)


def authenticate(email: str, password: str) -> User | None:
    """The user if the credentials are right and the account may sign in.

    Unknown, not yet activated and disabled accounts fail like a wrong password, after
    the same hashing work, so that neither the answer nor its timing tells them apart.
    """
    user = find_user_for_login(email)
    ok = verify_password(user.password_hash if user else None, password)
    if not ok or user is None or not user.is_active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def record_login(user: User, now: datetime, second_factor: str | None = None) -> None:
    """A completed login: with the second factor for the accounts that need one."""
    user.last_login_dt = now
    record("login.success", actor=user, target=user, now=now,
           details={"second_factor": second_factor} if second_factor else None)


def record_login_failure(email: str | None, now: datetime) -> None:
    """The audit names the account when the typed address is one; never the address or password."""
    user = find_user_for_login(email)
    record("login.failure", target=user, outcome="failure", now=now)


def record_logout(user: User, now: datetime, everywhere: bool = False) -> None:
    record("logout", actor=user, target=user, now=now, details={"everywhere": True} if everywhere else None)


def context_words(user: User, email: str | None = None) -> PasswordContext:
    """What the user's password must not contain: names, email, city, and the names of the
    city's schools, sites, services and groups (the children's among them)."""
    city = db.session.get(City, user.city_id)
    words = context_words_for(user.first_name, user.last_name, email or user.email,
                              city.name if city else None)
    return PasswordContext(personal=(*words, current_app.config.get("CITY_NAME") or ""),
                           places=place_words(place_names(user.city_id)))


def set_password(user: User, password: str, now: datetime) -> None:
    """New hash and a new session nonce: every existing session of the user ends.

    Every path that sets a password comes here (account page, reset, activation, invitation), so
    a reset link asked for before stops working too: it would otherwise undo the new password.
    """
    user.password_hash = hash_password(password)
    user.password_changed_dt = now
    user.end_all_sessions()
    revoke_tokens(user, "reset", now)


def change_password(user: User, password: str, now: datetime) -> None:
    set_password(user, password, now)
    record("password.change", actor=user, target=user, now=now)
    emails.send_password_changed(user)


# Password reset ----------------------------------------------------------------------------

def request_password_reset(email: str, now: datetime) -> None:
    """Email a reset link if an activated, enabled account has this address; silent otherwise."""
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        return
    minutes = current_app.config["RESET_TOKEN_MINUTES"]
    token = issue_token(user, "reset", now, timedelta(minutes=min(minutes, 60)))
    emails.send_reset_link(user, token)


def reset_password(token_row: AccountToken, password: str, now: datetime) -> User:
    user = token_row.user
    use_token(token_row, now)
    set_password(user, password, now)
    # The link's holder acts as the account's owner.
    record("password.reset", actor=user, target=user, now=now)
    emails.send_password_changed(user)
    return user


# Guardian activation -----------------------------------------------------------------------

def code_problem(code: ActivationCode | None, now: datetime) -> str | None:
    """None when the code can be used, else "unknown", "used" or "expired"."""
    if code is None or code.user.role != Role.GUARDIAN:
        return "unknown"
    if code.used_dt is not None:
        return "used"
    if code.expires_dt <= now or not code.user.is_enabled:
        return "expired"
    return None


def last_name_matches(user: User, typed: str) -> bool:
    """"Le Gall", "LE-GALL" and "legall" are the same name; so are "Lefèvre" and "LEFEVRE"."""
    return bool(fold_joined(typed)) and fold_joined(typed) == fold_joined(user.last_name)


def activate_guardian(code: ActivationCode, email: str, password: str, now: datetime) -> str | None:
    """Activate the code's account; returns the token confirming the typed address, or None when
    it is the address the school gave. Raises EmailTaken before changing anything."""
    user = code.user
    # Once only, even for two requests that both passed code_problem() at the same moment.
    used = db.session.execute(update(ActivationCode).where(ActivationCode.id == code.id,
                                                           ActivationCode.used_dt.is_(None))
                              .values(used_dt=now).execution_options(synchronize_session=False))
    if used.rowcount != 1:
        raise TokenAlreadyUsed()
    code.used_dt = now
    token = email_change.request_change(user, email, now)
    user.activated_dt = now
    set_password(user, password, now)
    return token


def send_activation_mails(user: User, token: str | None) -> None:
    """After the commit: the link to the typed address, and word of it to the school's address."""
    if token is not None:
        emails.send_email_confirmation(user, token)
        emails.send_email_change_requested(user, user.email)


def accept_notice(user: User, version: str) -> None:
    user.privacy_notice_version = version
