"""Class news: writing posts, read receipts and read statistics. Services flush, views commit."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

import nh3
from markdown_it import MarkdownIt
from sqlalchemy import and_, case, distinct, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import defer, joinedload, selectinload

from ent_lite.audience import keys as audience_keys
from ent_lite.audience.keys import Key
from ent_lite.audience.rules import PostTarget, Reach, postable_targets, visible_posts
from ent_lite.extensions import db
from ent_lite.posts.models import Post, PostAudience, PostRead
from ent_lite.school.models import Establishment, Group, GuardianLink

# --- body: limited Markdown, then ONE sanitiser allowlist (PRIVACY.md 29) -----------------

ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "blockquote"}
# "*" empty: without it nh3 keeps its generic attributes (lang, title) on every tag.
ALLOWED_ATTRIBUTES = {"a": {"href"}, "*": set()}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "noopener noreferrer nofollow"
MAX_TITLE_LENGTH = 200
MAX_BODY_LENGTH = 20_000

# Raw HTML is escaped by the parser; constructs outside the allowlist are switched off so
# they stay as typed instead of losing their text (no images, headings or code blocks).
_markdown = MarkdownIt("commonmark", {"html": False, "breaks": True}).disable(
    ["image", "heading", "lheading", "code", "fence", "hr", "html_block", "html_inline", "backticks"],
    ignoreInvalid=True,
)


def render_body(markdown_text: str) -> str:
    """Markdown (paragraphs, emphasis, lists, links, line breaks, quotes) to safe HTML."""
    return nh3.clean(
        _markdown.render(markdown_text or ""),
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        url_relative="deny",
        link_rel=LINK_REL,
        strip_comments=True,
    ).strip()


# --- writing ------------------------------------------------------------------------------

def _key_of(target) -> Key:
    return target.key if isinstance(target, PostTarget) else (str(target[0]), str(target[1]))


def create_post(author, title: str, body: str, targets: Sequence[PostTarget | Key], now: datetime) -> Post:
    """Write one post and its audience keys; the caller commits.

    ``targets``: a non-empty list of ``PostTarget`` (kind, value, label, establishment_id) as
    returned by ``ent_lite.audience.rules.postable_targets(author)``, or plain (kind, value)
    tuples such as ("group", str(group.id)) or ("all", "*"). Each must be one the author may
    post to (``PermissionError`` otherwise), and all must be sent from one establishment
    (``ValueError``). Publishing to the whole city is one post plus one key row.
    """
    allowed = {t.key: t for t in postable_targets(author)}
    chosen = list(dict.fromkeys(_key_of(t) for t in targets))
    if not chosen:
        raise ValueError("a post needs at least one audience")
    if any(key not in allowed for key in chosen):
        raise PermissionError("the author may not post to one of these audiences")
    senders = {allowed[key].establishment_id for key in chosen}
    if len(senders) != 1:
        raise ValueError("all audiences of a post must be sent from one establishment")
    post = Post(
        author_id=author.id,
        establishment_id=senders.pop(),
        title=title.strip()[:MAX_TITLE_LENGTH],
        body_markdown=body,
        body_html=render_body(body),
        created_dt=now,
        published_dt=now,
    )
    post.audience = [PostAudience(kind=kind, value=value) for kind, value in chosen]
    db.session.add(post)
    db.session.flush()
    return post


def record_read(user, post: Post, now: datetime) -> bool:
    """Record that ``user`` opened ``post``; True the first time only.

    One atomic INSERT ... ON CONFLICT DO NOTHING: two tabs opening the post at once write
    one row and neither fails.
    """
    # The two supported databases share the ON CONFLICT syntax.
    dialect = db.session.get_bind(mapper=PostRead.__mapper__).dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(PostRead).values(post_id=post.id, user_id=user.id, read_dt=now)
        .on_conflict_do_nothing(index_elements=["post_id", "user_id"])
        .returning(PostRead.id)
    )
    return db.session.execute(statement).scalar() is not None


# --- reading ------------------------------------------------------------------------------

def feed_page(user, now: datetime, page: int, per_page: int, reach: Reach | None = None):
    """One page of the posts the user may read, newest first: (posts, has_next).

    Author, establishment and audience are loaded with the page (two queries in all), so
    the page costs the same whatever it shows.
    """
    query = (
        visible_posts(user, now, reach)
        .options(joinedload(Post.author), joinedload(Post.establishment), selectinload(Post.audience),
                 defer(Post.body_markdown), defer(Post.body_html))  # the feed shows titles only
        .order_by(Post.published_dt.desc(), Post.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page + 1)
    )
    posts = list(db.session.scalars(query).unique())
    return posts[:per_page], len(posts) > per_page


def read_post_ids(user_id: int, post_ids: Iterable[int]) -> set[int]:
    """Which of these posts the user has opened, in one query."""
    ids = sorted(set(post_ids))
    if not ids:
        return set()
    return set(db.session.scalars(
        select(PostRead.post_id).where(PostRead.user_id == user_id, PostRead.post_id.in_(ids))
    ))


def _has_guardian(child_id_column):
    return select(GuardianLink.id).where(GuardianLink.child_id == child_id_column).exists()


def read_stats_many(post_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
    """{post id: (families_read, families_total)} in one aggregate query.

    A family is the guardians of one current child in the audience; it has read the post
    when any of those guardians opened it.
    """
    ids = sorted(set(post_ids))
    if not ids:
        return {}
    child_keys = audience_keys.child_keys_subquery()
    reached = (
        select(PostAudience.post_id.label("post_id"), child_keys.c.child_id.label("child_id"))
        .join(child_keys, and_(child_keys.c.kind == PostAudience.kind, child_keys.c.value == PostAudience.value))
        .where(PostAudience.post_id.in_(ids))
        .distinct()
        .subquery("reached")
    )
    has_read = (
        select(PostRead.id)
        .join(GuardianLink, GuardianLink.user_id == PostRead.user_id)
        .where(PostRead.post_id == reached.c.post_id, GuardianLink.child_id == reached.c.child_id)
        .exists()
    )
    rows = db.session.execute(
        select(reached.c.post_id, func.count(case((has_read, 1))), func.count())
        .where(_has_guardian(reached.c.child_id))
        .group_by(reached.c.post_id)
    ).all()
    stats = dict.fromkeys(ids, (0, 0))
    stats.update({post_id: (read, total) for post_id, read, total in rows})
    return stats


def read_stats(post: Post) -> tuple[int, int]:
    """(families_read, families_total) for one post."""
    return read_stats_many([post.id])[post.id]


def count_recipient_families(targets: Iterable[PostTarget | Key]) -> int:
    """How many families a post to these audiences reaches (one aggregate query)."""
    keys = {_key_of(t) for t in targets}
    if not keys:
        return 0
    child_keys = audience_keys.child_keys_subquery()
    matches = or_(*(and_(child_keys.c.kind == kind, child_keys.c.value == value) for kind, value in sorted(keys)))
    return db.session.scalar(
        select(func.count(distinct(child_keys.c.child_id))).where(matches, _has_guardian(child_keys.c.child_id))
    ) or 0


def _ids_of(posts: Sequence[Post], kind: str) -> list[int]:
    return sorted({int(a.value) for p in posts for a in p.audience if a.kind == kind and a.value.isdigit()})


def audience_names(posts: Sequence[Post]) -> dict[int, list[tuple[str, str]]]:
    """{post id: [(kind, name)]} so staff see whom a post went to; at most two queries."""
    names_by_key: dict[Key, str] = {}
    group_ids = _ids_of(posts, audience_keys.GROUP)
    if group_ids:
        for group_id, name in db.session.execute(select(Group.id, Group.name).where(Group.id.in_(group_ids))):
            names_by_key[audience_keys.group_key(group_id)] = name
    school_ids = _ids_of(posts, audience_keys.ESTABLISHMENT)
    if school_ids:
        rows = db.session.execute(select(Establishment.id, Establishment.name).where(Establishment.id.in_(school_ids)))
        for school_id, name in rows:
            names_by_key[audience_keys.establishment_key(school_id)] = name

    def order(row: PostAudience):
        kinds = audience_keys.KINDS
        return (kinds.index(row.kind) if row.kind in kinds else len(kinds), row.value)

    return {
        post.id: [(a.kind, names_by_key.get((a.kind, a.value), a.value)) for a in sorted(post.audience, key=order)]
        for post in posts
    }
