"""Second factor for administrators and DPOs (PRIVACY.md 23): TOTP codes and recovery codes.

A TOTP code is accepted for the current 30-second step and one step either side (a phone's
clock drifts), and only once: the account keeps the last step it used and refuses a code of
that step or an earlier one, so a code seen over a shoulder cannot be replayed. Services flush;
views commit.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime

import pyotp
import segno
from flask import current_app
from sqlalchemy import delete, func, or_, select, update

from ent_lite.accounts.models import RecoveryCode, Role, User
from ent_lite.audit.services import record
from ent_lite.extensions import db

ROLES = (Role.ADMIN, Role.DPO)
STEP_SECONDS = 30
DIGITS = 6
# Steps accepted either side of the current one.
WINDOW = 1
RECOVERY_CODE_COUNT = 10
# 16 characters from 31 unambiguous ones: about 79 random bits per code.
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_RECOVERY_LENGTH = 16


def required_for(user: User) -> bool:
    return user.role in ROLES


def is_enrolled(user: User) -> bool:
    return user.totp_secret is not None


# Enrolment ---------------------------------------------------------------------------------

def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    """The otpauth:// address the authenticator app reads from the QR code."""
    issuer = f"ent_lite {current_app.config.get('CITY_NAME') or ''}".strip()
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).provisioning_uri(
        name=user.email or user.public_id, issuer_name=issuer)


def qr_code_data_uri(uri: str) -> str:
    """The QR code as an SVG data: address (allowed by the CSP's img-src), made here, never by a third party."""
    return segno.make(uri, error="m", micro=False).svg_data_uri(scale=5, border=4, dark="#000", light="#fff")


def grouped(secret: str) -> str:
    """The secret in groups of four, easier to type into an app by hand."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def secret_fingerprint(secret: str) -> str:
    """What the session keeps of the key being enrolled: it names the key without revealing it."""
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def pending_secret(user: User, fingerprint: str | None) -> str | None:
    """The key this browser is enrolling, or None when it has none: reads, never writes.

    The key is given only to the session whose fingerprint names it; any other session must
    ask for a new one (``start_enrolment``), which replaces it. So whoever else knows the
    password and opens the page never sees the key the owner ends up confirming.
    """
    current = user.totp_pending_secret
    if current and fingerprint and hmac.compare_digest(secret_fingerprint(current), fingerprint):
        return current
    return None


def start_enrolment(user: User) -> str:
    """A new key to enrol, kept on the account until a code confirms it. Flushes; the view commits."""
    user.totp_pending_secret = new_secret()
    db.session.flush()
    return user.totp_pending_secret


def confirm_enrolment(user: User, code: str | None, now: datetime) -> list[str] | None:
    """Turn on the pending key if ``code`` comes from it; returns the new recovery codes, else None."""
    secret = user.totp_pending_secret
    step = _matching_step(secret, code, now, after=None) if secret else None
    if step is None:
        _record_failure(user, "enrolment", now)
        return None
    user.totp_secret = secret
    user.totp_pending_secret = None
    user.totp_last_step = step
    codes = _replace_recovery_codes(user, now)
    record("twofactor.enable", actor=user, target=user, now=now)
    return codes


# Checking codes ----------------------------------------------------------------------------

def _step_of(now: datetime) -> int:
    return int(now.timestamp()) // STEP_SECONDS


def _digits(code: str | None) -> str:
    return re.sub(r"\s", "", code or "")


def _matching_step(secret: str, code: str | None, now: datetime, after: int | None) -> int | None:
    """The step within the window whose code is ``code`` and which comes after ``after``."""
    typed = _digits(code)
    # [0-9], not \d: \d also matches Arabic-Indic or full-width digits, which the
    # constant-time comparison below cannot take.
    if not re.fullmatch(rf"[0-9]{{{DIGITS}}}", typed):
        return None
    otp = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS)
    current = _step_of(now)
    for step in range(current - WINDOW, current + WINDOW + 1):
        if after is not None and step <= after:
            continue
        if hmac.compare_digest(otp.generate_otp(step), typed):
            return step
    return None


def verify_code(user: User, code: str | None, now: datetime) -> bool:
    """Accept a TOTP code once; a used or stale code fails like a wrong one."""
    step = _matching_step(user.totp_secret, code, now, after=user.totp_last_step) if is_enrolled(user) else None
    # The condition in the UPDATE makes two requests racing with one code unable to both pass.
    if step is not None and db.session.execute(
        update(User)
        .where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step)
    ).rowcount == 1:
        return True
    _record_failure(user, "totp", now)
    return False


# Recovery codes ----------------------------------------------------------------------------

def _normalise_recovery(code: str | None) -> str:
    # Separators and anything outside ASCII letters and digits go: what is left can be hashed.
    return re.sub(r"[^a-z0-9]", "", (code or "").lower(), flags=re.ASCII)


def _hash_recovery(code: str) -> str:
    return hashlib.sha256(_normalise_recovery(code).encode("ascii")).hexdigest()


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
    return "-".join(raw[i:i + 4] for i in range(0, _RECOVERY_LENGTH, 4))


def _replace_recovery_codes(user: User, now: datetime) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash_recovery(code), created_dt=now)
                       for code in codes)
    db.session.flush()
    return codes


def unused_recovery_codes(user: User) -> int:
    return db.session.scalar(select(func.count(RecoveryCode.id)).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_dt.is_(None)))


def use_recovery_code(user: User, code: str | None, now: datetime) -> bool:
    """Accept an unused recovery code of this user once."""
    normalised = _normalise_recovery(code)
    if len(normalised) == _RECOVERY_LENGTH and db.session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _hash_recovery(normalised),
               RecoveryCode.used_dt.is_(None))
        .values(used_dt=now)
    ).rowcount == 1:
        record("twofactor.recovery_used", actor=user, target=user, now=now,
               details={"remaining": unused_recovery_codes(user)})
        return True
    _record_failure(user, "recovery", now)
    return False


def regenerate_recovery_codes(user: User, now: datetime) -> list[str]:
    """New recovery codes, shown once by the caller; the earlier ones stop working."""
    codes = _replace_recovery_codes(user, now)
    record("twofactor.recovery_regenerated", actor=user, target=user, now=now)
    return codes


# Reset by the server's operator -------------------------------------------------------------

def reset(user: User, now: datetime) -> None:
    """Turn the second factor off: key, pending key and recovery codes go, and every session ends.

    For an administrator or DPO who lost both phone and recovery codes; at the next login
    they set the factor up again (``sessions.require_second_factor`` sends them there).
    Flushes; the caller commits.
    """
    user.totp_secret = None
    user.totp_pending_secret = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    user.end_all_sessions()
    record("twofactor.reset", target=user, now=now, details={"source": "cli"})


def _record_failure(user: User, method: str, now: datetime) -> None:
    record("twofactor.failure", actor=user, target=user, outcome="failure", details={"method": method}, now=now)
