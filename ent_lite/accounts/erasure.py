"""Erasure of a guardian's account data: places, activation codes, emailed tokens, recovery codes."""
from __future__ import annotations

from ent_lite.accounts.models import AccountToken, ActivationCode, Membership, RecoveryCode
from ent_lite.erasure.helpers import counts, delete_where
from ent_lite.erasure.signals import erasure_handler


@erasure_handler("user", "membership.user_id", "activation_code.user_id", "account_token.user_id",
                 "recovery_code.user_id")
def erase_account_rows(user, **_) -> dict[str, int]:
    return counts(
        membership=delete_where(Membership, Membership.user_id == user.id),
        activation_code=delete_where(ActivationCode, ActivationCode.user_id == user.id),
        account_token=delete_where(AccountToken, AccountToken.user_id == user.id),
        recovery_code=delete_where(RecoveryCode, RecoveryCode.user_id == user.id),
    )
