from __future__ import annotations

import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ent_lite.core.db_types import PublicId, UTCDateTime, new_public_id, utcnow
from ent_lite.extensions import db


class Role:
    GUARDIAN = "guardian"
    TEACHER = "teacher"
    DIRECTOR = "director"
    ANIMATOR = "animator"
    CITY_AGENT = "city_agent"
    ADMIN = "admin"
    DPO = "dpo"

    ALL = (GUARDIAN, TEACHER, DIRECTOR, ANIMATOR, CITY_AGENT, ADMIN, DPO)
    STAFF = (TEACHER, DIRECTOR, ANIMATOR, CITY_AGENT, ADMIN, DPO)


def new_session_nonce() -> str:
    return secrets.token_urlsafe(16)


class User(UserMixin, db.Model):
    """One account per adult. Guardians are linked to children; staff to groups."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(PublicId(), unique=True, default=new_public_id)
    city_id: Mapped[int] = mapped_column(ForeignKey("city.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    # Where mail goes, and the login: lower-cased, either the school roster's address or one the
    # person confirmed by following an emailed link. Null for a guardian imported without one.
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    # An address the person typed (at activation or on the contact page) that waits for its
    # confirmation link (accounts/email_change.py). It logs in too, but receives no mail but that link.
    pending_email: Mapped[str | None] = mapped_column(String(254), unique=True)
    phone: Mapped[str | None] = mapped_column(String(30))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    # Changing the nonce ends every session and remember-me cookie of the user.
    session_nonce: Mapped[str] = mapped_column(String(32), default=new_session_nonce)
    locale: Mapped[str | None] = mapped_column(String(8))
    is_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    privacy_notice_version: Mapped[str | None] = mapped_column(String(64))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    activated_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_login_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())
    password_changed_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Second factor (administrators and DPOs): the TOTP secret once enrolled, and the last
    # 30-second step whose code was accepted, so that no code is accepted twice.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    # The key shown on the setup page until a code confirms it; kept here, not in the
    # (signed, readable) session cookie, whose copy would otherwise give the second factor away.
    totp_pending_secret: Mapped[str | None] = mapped_column(String(64))

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<User {self.public_id} {self.role}>"

    def get_id(self) -> str:
        return f"{self.public_id}:{self.session_nonce}"

    @property
    def is_active(self) -> bool:
        return self.is_enabled and self.password_hash is not None

    @property
    def is_staff(self) -> bool:
        return self.role in Role.STAFF

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def end_all_sessions(self) -> None:
        self.session_nonce = new_session_nonce()


class Membership(db.Model):
    """A staff member's place: a whole establishment (group_id null) or one group in it."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("user_id", "establishment_id", "group_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    establishment_id: Mapped[int] = mapped_column(ForeignKey("establishment.id"), index=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("school_group.id"), index=True)

    user: Mapped[User] = relationship(back_populates="memberships")
    establishment = relationship("Establishment")
    group = relationship("Group")


class ActivationCode(db.Model):
    """Printed on a family's letter and shown only then: the database keeps a keyed hash.

    Reprinting a letter issues a new code (accounts/activation.py).
    """

    __tablename__ = "activation_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_dt: Mapped[datetime] = mapped_column(UTCDateTime())
    used_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()


class AccountToken(db.Model):
    """Emailed single-use links (password reset, staff invitation, email confirmation); only a hash
    is stored."""

    __tablename__ = "account_token"
    __table_args__ = (Index("ix_account_token_user_purpose", "user_id", "purpose"),)

    PURPOSES = ("reset", "invite", "confirm")

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(10))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_dt: Mapped[datetime] = mapped_column(UTCDateTime())
    used_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()


class RecoveryCode(db.Model):
    """Second-factor recovery codes: shown once at enrolment, stored as SHA-256, each used once.

    The codes carry about 80 random bits, so an unsalted fast hash is enough.
    """

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    used_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()


class RevokedLogin(db.Model):
    """A device that logged out: its login stays refused until its issue time is too old anyway.

    Only a hash of the device's random key, found in no other table: the row names no one
    (see ``device_logins``).
    """

    __tablename__ = "revoked_login"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_dt: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
