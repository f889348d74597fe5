"""How long accounts' own rows are kept, and what the purge deletes.

Accounts (``accounts``) live as long as their holder's relation with the schools: a family's
account is purged through erasure (ent_lite.erasure.retention). Activation codes and reset
links (``security_tokens``) go a few days (by default) after their use or expiry, so support
can still answer "my code does not work".

At the boundary, as everywhere: kept at the deletion instant, due from the instant after.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, or_, select

from ent_lite.accounts.models import AccountToken, ActivationCode
from ent_lite.privacy.registry import NOT_PERSONAL, classify_columns, purge_job

classify_columns("user_account", {
    "accounts": "id public_id city_id role first_name last_name email phone password_hash session_nonce "
                "locale is_enabled privacy_notice_version created_dt activated_dt last_login_dt "
                "password_changed_dt totp_secret totp_pending_secret totp_last_step pending_email",
})
# Second-factor recovery codes live as long as the account's second factor.
classify_columns("recovery_code", {
    "accounts": "id user_id code_hash created_dt used_dt",
})
classify_columns("membership", {
    "accounts": "id user_id establishment_id group_id",
})
# The hash of a logged-out device's random key, in no other table: it names no one.
classify_columns("revoked_login", {
    NOT_PERSONAL: "id key_hash expires_dt",
})
classify_columns("activation_code", {
    "security_tokens": "id user_id code_hash created_dt expires_dt used_dt",
})
classify_columns("account_token", {
    "security_tokens": "id user_id purpose token_hash created_dt expires_dt used_dt",
})



@purge_job("security_tokens", order=0)
def due_activation_codes(cutoff: datetime) -> Select:
    return select(ActivationCode.id).where(or_(ActivationCode.used_dt < cutoff, ActivationCode.expires_dt < cutoff))


@purge_job("security_tokens", order=1)
def due_account_tokens(cutoff: datetime) -> Select:
    return select(AccountToken.id).where(or_(AccountToken.used_dt < cutoff, AccountToken.expires_dt < cutoff))
