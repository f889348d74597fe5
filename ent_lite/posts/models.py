from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship

from ent_lite.core.db_types import PublicId, UTCDateTime, new_public_id, utcnow
from ent_lite.extensions import db


class Post(db.Model):
    """A piece of news. Its readers are described by audience keys, resolved when read."""

    __tablename__ = "post"
    __table_args__ = (
        Index("ix_post_published", "published_dt"),
        # One post per composer form: a second submit of the same form finds the first post.
        UniqueConstraint("author_id", "submission_token"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(PublicId(), unique=True, default=new_public_id)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    establishment_id: Mapped[int] = mapped_column(ForeignKey("establishment.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    body_markdown: Mapped[str] = mapped_column(Text)
    # Rendered then sanitised once at write time, so reading costs nothing.
    body_html: Mapped[str] = mapped_column(Text)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # In the future for a scheduled post: readers see it from then on.
    published_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())
    edited_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())
    is_urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    is_pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    # A broadcast may refuse replies (no conversation can be started from it).
    replies_allowed: Mapped[bool] = mapped_column(Boolean, default=True)
    # The signature of the cahier de liaison: one per child, or every guardian's.
    requires_ack: Mapped[bool] = mapped_column(Boolean, default=False)
    ack_every_guardian: Mapped[bool] = mapped_column(Boolean, default=False)
    ack_due_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminded_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Optional city information (a city agent's choice): only guardians who agreed to receive
    # it read it (consent purpose "city_information", ent_lite.rules.visible_posts).
    is_optional_info: Mapped[bool] = mapped_column(Boolean, default=False)
    # The one-time token of the form that published it (null for posts written otherwise).
    submission_token: Mapped[str | None] = mapped_column(String(64))

    author = relationship("User")
    establishment = relationship("Establishment")
    audience: Mapped[list[PostAudience]] = relationship(back_populates="post", cascade="all, delete-orphan")
    # Loaded with the feed (posts.services.feed_page): whether children are tagged on its photos,
    # so a page without tags costs no consent query. None when not loaded.
    has_photo_tags: Mapped[bool | None] = query_expression()

    # What readers see, for one loaded post; ``rules.post_is_live`` says the same in SQL (a test
    # holds the two together at both instants: the publication time and the expiry).
    def is_scheduled(self, now: datetime) -> bool:
        """Its publication time is still to come: readers do not see it yet."""
        return self.published_dt > now

    def is_expired(self, now: datetime) -> bool:
        """Hidden from readers from its expiry on (that instant included)."""
        return self.expires_dt is not None and self.expires_dt <= now

    def is_live(self, now: datetime) -> bool:
        """Readers see it: published and not yet expired."""
        return not self.is_scheduled(now) and not self.is_expired(now)


class PostAudience(db.Model):
    """One audience key of a post: (group, id), (establishment, id), (level, CP), (all, *)..."""

    __tablename__ = "post_audience"
    __table_args__ = (
        UniqueConstraint("post_id", "kind", "value"),
        Index("ix_post_audience_key", "kind", "value"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(String(100))

    post: Mapped[Post] = relationship(back_populates="audience")


class PostSignature(db.Model):
    """A guardian with legal authority signs a post for one child; written when it happens."""

    __tablename__ = "post_signature"
    __table_args__ = (UniqueConstraint("post_id", "child_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"))
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    signed_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class PostRead(db.Model):
    """Written when a guardian opens a post, never pre-created for the audience."""

    __tablename__ = "post_read"
    __table_args__ = (UniqueConstraint("post_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    read_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class PostPhotoChild(db.Model):
    """A child the author says appears in the post's photos: their photos then need the
    guardians' consent for the post's audience (see ent_lite/posts/photo_tags.py)."""

    __tablename__ = "post_photo_child"
    __table_args__ = (UniqueConstraint("post_id", "child_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"))
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), index=True)
