"""Password hashing with argon2id.

Every app hashes with argon2-cffi's RFC 9106 low-memory profile (64 MiB, 3 passes), except
the test suite's own, whose ``create_app`` settings ask ``PASSWORD_HASH_PROFILE="light"``: its
thousands of logins otherwise spend half its time hashing. No environment variable reaches that
setting, so no server can be started with it. A light hash is replaced by a standard one at the
account's next login anywhere else (``needs_rehash``).
"""
from __future__ import annotations

from functools import cache

from argon2 import Parameters, PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from argon2.low_level import ARGON2_VERSION
from argon2.profiles import RFC_9106_LOW_MEMORY
from flask import current_app, has_app_context

_PROFILES = {
    "standard": RFC_9106_LOW_MEMORY,
    "light": Parameters(type=Type.ID, version=ARGON2_VERSION, salt_len=16, hash_len=32,
                       time_cost=1, memory_cost=1024, parallelism=1),
}


def _profile() -> str:
    return current_app.config.get("PASSWORD_HASH_PROFILE", "standard") if has_app_context() else "standard"


@cache
def _hasher(profile: str) -> PasswordHasher:
    return PasswordHasher.from_parameters(_PROFILES[profile])


@cache
def _dummy_hash(profile: str) -> str:
    """Verified against when the account is unknown, so both cases take the same time."""
    return _hasher(profile).hash("ent_lite dummy password for timing")


def hash_password(password: str) -> str:
    return _hasher(_profile()).hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    profile = _profile()
    try:
        return (_hasher(profile).verify(password_hash or _dummy_hash(profile), password)
                and password_hash is not None)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher(_profile()).check_needs_rehash(password_hash)
