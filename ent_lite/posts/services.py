"""Class news: writing, editing and deleting posts, the feed, read receipts and statistics.

Services flush, views commit. Signatures live in ``signatures.py``.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Table, and_, case, delete, or_, select, update
from sqlalchemy.orm import defer, joinedload, selectinload, with_expression

from ent_lite.accounts.models import Role
from ent_lite.agenda.events import sync_post_event
from ent_lite.agenda.retention import unused_rules
from ent_lite.audience import criteria_posting
from ent_lite.audience import keys as audience_keys
from ent_lite.audience.keys import Key
from ent_lite.audience.models import AudienceRule
from ent_lite.core import upsert
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.files.services import delete_attachments_of
from ent_lite.notifications import events
from ent_lite.posts.body import ALLOWED_TAGS, MAX_BODY_LENGTH, MAX_TITLE_LENGTH, render_body  # noqa: F401
from ent_lite.posts.models import Post, PostAudience, PostPhotoChild, PostRead
from ent_lite.rules import (
    PostTarget,
    Reach,
    may_send_optional_info,
    postable_targets,
    visible_children,
    visible_posts,
)
from ent_lite.school.models import Child, Enrolment, Group
# Read statistics and audience counts are part of the posts API callers know from here.
from ent_lite.posts.stats import (  # noqa: F401
    audience_names,
    count_households,
    count_reached_children,
    ChannelReach,
    ReadStats,
    reach_by_channel,
    read_post_ids,
    read_stats,
    read_stats_many,
)

# --- writing ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PostOptions:
    """What the author chooses besides text and audience; datetimes are aware UTC."""

    publish_at: datetime | None = None  # None, or a past time: published at once
    expires_dt: datetime | None = None  # hidden from readers from then on
    is_urgent: bool = False
    is_pinned: bool = False
    replies_allowed: bool = True
    requires_ack: bool = False
    ack_every_guardian: bool = False  # otherwise one signature per child is enough
    ack_due_dt: datetime | None = None
    # Optional city information: only the guardians who agreed receive it (city agents only).
    optional_info: bool = False

    @classmethod
    def of(cls, post: Post) -> PostOptions:
        return cls(post.published_dt, post.expires_dt, post.is_urgent, post.is_pinned, post.replies_allowed,
                   post.requires_ack, post.ack_every_guardian, post.ack_due_dt, post.is_optional_info)


def _key_of(target) -> Key:
    return target.key if isinstance(target, PostTarget) else (str(target[0]), str(target[1]))


def _checked_targets(author, targets: Sequence[PostTarget | Key]) -> tuple[list[Key], int]:
    """The chosen keys and the establishment they are sent from, or an error (see create_post)."""
    chosen = list(dict.fromkeys(_key_of(t) for t in targets))
    allowed = {t.key: t for t in postable_targets(author)} | criteria_posting.rule_targets(author, chosen)
    if not chosen:
        raise ValueError("a post needs at least one audience")
    if any(key not in allowed for key in chosen):
        raise PermissionError("the author may not post to one of these audiences")
    senders = {allowed[key].establishment_id for key in chosen}
    if len(senders) != 1:
        raise ValueError("all audiences of a post must be sent from one establishment")
    return chosen, senders.pop()


def _apply_options(post: Post, options: PostOptions) -> None:
    if options.expires_dt is not None and options.expires_dt <= post.published_dt:
        raise ValueError("a post must expire after it is published")
    post.expires_dt = options.expires_dt
    post.is_urgent = options.is_urgent
    post.is_pinned = options.is_pinned
    post.replies_allowed = options.replies_allowed
    post.requires_ack = options.requires_ack
    # Signatures already given stay stored if the author later drops the request.
    post.ack_every_guardian = options.requires_ack and options.ack_every_guardian
    post.ack_due_dt = options.ack_due_dt if options.requires_ack else None


def create_post(author, title: str, body: str, targets: Sequence[PostTarget | Key], now: datetime,
                options: PostOptions | None = None, submission_token: str | None = None) -> Post:
    """Write one post and its audience keys; the caller commits.

    ``targets``: a non-empty list of ``PostTarget`` (kind, value, label, establishment_id) as
    returned by ``ent_lite.rules.postable_targets(author)``, or plain (kind, value)
    tuples such as ("group", str(group.id)) or ("all", "*"). Each must be one the author may
    post to (``PermissionError`` otherwise), and all must be sent from one establishment
    (``ValueError``). Publishing to the whole city is one post plus one key row.
    ``options.publish_at`` in the future schedules the post; an expiry before publication
    is a ``ValueError``.
    ``submission_token``: the composer form's one-time token; a second post with the same
    token by the same author breaks a unique constraint (``IntegrityError`` at flush), so a
    double submit racing the first publishes nothing more (see ``submitted_post``).
    """
    options = options or PostOptions()
    chosen, establishment_id = _checked_targets(author, targets)
    if options.optional_info and not may_send_optional_info(author):
        raise PermissionError("only city agents send optional city information")
    publish_at = options.publish_at
    post = Post(
        author_id=author.id,
        establishment_id=establishment_id,
        title=title.strip()[:MAX_TITLE_LENGTH],
        body_markdown=body,
        body_html=render_body(body),
        created_dt=now,
        published_dt=publish_at if publish_at is not None and publish_at > now else now,
        submission_token=submission_token,
    )
    _apply_options(post, options)
    post.is_optional_info = options.optional_info
    post.audience = [PostAudience(kind=kind, value=value) for kind, value in chosen]
    db.session.add(post)
    db.session.flush()
    criteria_posting.attach_rules(post)
    # One outbox row in this transaction, whatever the audience: the worker fans it out.
    events.post_published(post)
    return post


def submitted_post(author, submission_token: str | None) -> Post | None:
    """The post this author already published from the form carrying this token, if any."""
    if not submission_token:
        return None
    return db.session.scalar(select(Post).where(Post.author_id == author.id,
                                                Post.submission_token == submission_token))


@dataclass(frozen=True)
class Taggable:
    """A child the author may tag on a post's photos, with the author's audiences reaching them."""

    child: Child
    group_names: tuple[str, ...]
    keys: frozenset[Key]


def taggable_children(author, targets: Sequence[PostTarget]) -> list[Taggable]:
    """The children of the author's class, group or school audiences they may see (one query).

    City agents see no child (ent_lite.rules), so they tag none.
    """
    group_ids = {int(t.value) for t in targets if t.kind == audience_keys.GROUP}
    school_ids = {int(t.value) for t in targets if t.kind == audience_keys.ESTABLISHMENT}
    if author.role == Role.CITY_AGENT or not (group_ids or school_ids):
        return []
    rows = db.session.execute(
        select(Child, Group.id, Group.name, Group.establishment_id)
        .join(Enrolment, Enrolment.child_id == Child.id).join(Group, Group.id == Enrolment.group_id)
        .where(Child.id.in_(visible_children(author).with_only_columns(Child.id)),
               Group.school_year == audience_keys.this_school_year(),
               or_(Group.id.in_(sorted(group_ids)), Group.establishment_id.in_(sorted(school_ids))))
        .order_by(Child.first_name, Child.last_name, Child.id, Group.name)
    ).all()
    found: dict[int, tuple[Child, list[str], set[Key]]] = {}
    for child, group_id, group_name, school_id in rows:
        _, names, keys = found.setdefault(child.id, (child, [], set()))
        if group_id in group_ids:
            keys.add(audience_keys.group_key(group_id))
        if school_id in school_ids:
            keys.add(audience_keys.establishment_key(school_id))
        if group_name not in names:
            names.append(group_name)
    return [Taggable(child, tuple(names), frozenset(keys)) for child, names, keys in found.values()]


def is_published(post: Post, now: datetime) -> bool:
    return not post.is_scheduled(now)


def update_post(post: Post, title: str, body: str, options: PostOptions, now: datetime,
                targets: Sequence[PostTarget | Key] | None = None) -> Post:
    """Edit a post's text and options; the caller checks that the editor is its author.

    Once published, the audience, publication time and optional-information mark are fixed
    (families have received it: a different audience is a new post), so ``targets`` must be
    None or unchanged (``ValueError``), and readers see an "edited" mark. A scheduled post may still change
    audience and time; leaving ``publish_at`` empty publishes it now.
    """
    current = {(a.kind, a.value) for a in post.audience}
    if is_published(post, now):
        if targets is not None and {_key_of(t) for t in targets} != current:
            raise ValueError("the audience of a published post cannot change")
        post.edited_dt = now
    else:
        if targets is not None:
            chosen, post.establishment_id = _checked_targets(post.author, targets)
            # Keep the rows that stay: re-inserting a key before its old row is deleted
            # would break the (post, kind, value) unique constraint within one flush.
            post.audience = [a for a in post.audience if (a.kind, a.value) in chosen] + [
                PostAudience(kind=kind, value=value) for kind, value in chosen if (kind, value) not in current
            ]
        publish_at = options.publish_at
        post.published_dt = publish_at if publish_at is not None and publish_at > now else now
        post.is_optional_info = options.optional_info and may_send_optional_info(post.author)
    post.title = title.strip()[:MAX_TITLE_LENGTH]
    post.body_markdown = body
    post.body_html = render_body(body)
    _apply_options(post, options)
    events.post_updated(post)
    db.session.flush()
    return post


def delete_post(post: Post, now: datetime | None = None, actor=None) -> None:
    """Delete a post and everything that hangs on it; the caller checks who may and commits.

    Its calendar date is cancelled, not deleted: subscribed calendars must learn of it. The
    cancellation is audited in the name of ``actor``, who deletes (the post's author when
    None). A stored audience rule (criteria) is detached, not deleted, while that cancelled
    event still uses it, so the cancellation still reaches the families it was sent to;
    unused, it goes with the post.

    Attachments go through the files service, which removes their stored files once the
    deletion is committed.
    """
    sync_post_event(post, None, now or utcnow(), actor=actor)
    delete_attachments_of(post_ids=[post.id])
    rule_ids = set(db.session.scalars(select(AudienceRule.id).where(AudienceRule.post_id == post.id)))
    table = Post.__table__
    _delete_dependents(table, [post.id], {table.name})
    db.session.execute(delete(Post).where(Post.id == post.id))
    if rule_ids:
        unused = set(db.session.scalars(unused_rules(rule_ids)))
        rules_table = AudienceRule.__table__
        _delete_dependents(rules_table, sorted(unused), {rules_table.name})
        db.session.execute(delete(AudienceRule).where(AudienceRule.id.in_(sorted(unused))))
    for row in list(post.audience):
        db.session.expunge(row)
    db.session.expunge(post)


def _delete_dependents(table: Table, ids, seen: set[str]) -> None:
    """Apply the ON DELETE rules of every table pointing at these rows, deepest first.

    SQLite does not enforce foreign keys here: without this, reads, signatures or answers
    would stay behind and a later post reusing the id would inherit them. On PostgreSQL
    the database would do the same work.
    """
    for other in db.metadata.sorted_tables:
        for fk in other.foreign_keys:
            if fk.column.table is not table:
                continue
            if fk.ondelete == "SET NULL":
                db.session.execute(update(other).where(fk.parent.in_(ids)).values({fk.parent.name: None}))
            elif fk.ondelete == "CASCADE":
                if other.name not in seen and "id" in other.c:
                    _delete_dependents(other, select(other.c.id).where(fk.parent.in_(ids)), seen | {other.name})
                db.session.execute(delete(other).where(fk.parent.in_(ids)))

def record_read(user, post: Post, now: datetime) -> bool:
    """Record that ``user`` opened ``post``; True the first time only.

    One atomic INSERT ... ON CONFLICT DO NOTHING: two tabs opening the post at once write
    one row and neither fails.
    """
    statement = (
        upsert.insert(PostRead).values(post_id=post.id, user_id=user.id, read_dt=now)
        .on_conflict_do_nothing(index_elements=["post_id", "user_id"])
        .returning(PostRead.id)
    )
    return db.session.execute(statement).scalar() is not None


# --- reading ------------------------------------------------------------------------------

def feed_order(now: datetime):
    """Urgent posts first, then pinned ones, while they have not expired; then newest first."""
    live = or_(Post.expires_dt.is_(None), Post.expires_dt > now)
    rank = case((and_(Post.is_urgent, live), 0), (and_(Post.is_pinned, live), 1), else_=2)
    return (rank, Post.published_dt.desc(), Post.id.desc())


def feed_page(user, now: datetime, page: int, per_page: int, reach: Reach | None = None, visible=None):
    """One page of the posts the user may read in ``feed_order``: (posts, has_next).
    ``visible`` is ``visible_posts(user, now, reach)`` when the caller has built it already.

    Author, establishment and audience are loaded with the page (two queries in all), so
    the page costs the same whatever it shows.
    """
    query = (
        (visible if visible is not None else visible_posts(user, now, reach))
        .options(joinedload(Post.author), joinedload(Post.establishment), selectinload(Post.audience),
                 defer(Post.body_markdown),  # the feed shows an excerpt of the HTML only
                 with_expression(Post.has_photo_tags, select(PostPhotoChild.id)
                                 .where(PostPhotoChild.post_id == Post.id).exists()))
        .order_by(*feed_order(now))
        .offset((page - 1) * per_page)
        .limit(per_page + 1)
    )
    posts = list(db.session.scalars(query).unique())
    return posts[:per_page], len(posts) > per_page
