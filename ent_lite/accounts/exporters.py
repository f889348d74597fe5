"""The account rows a guardian's export holds: their account and contact details, and the dates
of their activation codes and reset links (never the codes, which are credentials)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ent_lite.accounts.models import AccountToken, ActivationCode
from ent_lite.extensions import db
from ent_lite.rights.registry import exporter, row


@exporter("user_account", _l("Your account and contact details"))
def _accounts(guardian, child_ids):
    # Password hash, session nonce and second-factor secret are credentials, not information.
    u = guardian
    return [row(public_id=u.public_id, role=u.role, first_name=u.first_name, last_name=u.last_name,
                 email=u.email, pending_email=u.pending_email, phone=u.phone, language=u.locale, is_enabled=u.is_enabled,
                 privacy_notice_version=u.privacy_notice_version, created_dt=u.created_dt,
                 activated_dt=u.activated_dt, last_login_dt=u.last_login_dt,
                 password_changed_dt=u.password_changed_dt)]


@exporter("activation_code", _l("Activation codes"))
def _activation_codes(guardian, child_ids):
    # The code itself is a credential: its dates say all there is about the guardian.
    rows = db.session.scalars(select(ActivationCode).where(ActivationCode.user_id == guardian.id)
                              .order_by(ActivationCode.id))
    return [row(created_dt=r.created_dt, expires_dt=r.expires_dt, used_dt=r.used_dt) for r in rows]


@exporter("account_token", _l("Password reset links"))
def _account_tokens(guardian, child_ids):
    rows = db.session.scalars(select(AccountToken).where(AccountToken.user_id == guardian.id)
                              .order_by(AccountToken.id))
    return [row(purpose=r.purpose, created_dt=r.created_dt, expires_dt=r.expires_dt, used_dt=r.used_dt)
            for r in rows]
