"""Read receipts and statistics: who opened a post, how many families a post reaches.

Every function here is one aggregate query, whatever the number of posts or families.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import and_, case, distinct, func, or_, select

from ent_lite.audience import keys as audience_keys
from ent_lite.audience.keys import Key
from ent_lite.audience.rules import PostTarget
from ent_lite.extensions import db
from ent_lite.posts.models import Post, PostAudience, PostRead
from ent_lite.school.models import Establishment, Group, GuardianLink


def _key_of(target) -> Key:
    return target.key if isinstance(target, PostTarget) else (str(target[0]), str(target[1]))


def reached_child_ids(post_id: int):
    """SELECT of the ids of the current children with a guardian that the post reaches."""
    child_keys = audience_keys.child_keys_subquery()
    has_guardian = select(GuardianLink.id).where(GuardianLink.child_id == child_keys.c.child_id).exists()
    return (
        select(child_keys.c.child_id)
        .join(PostAudience, and_(PostAudience.kind == child_keys.c.kind, PostAudience.value == child_keys.c.value))
        .where(PostAudience.post_id == post_id, has_guardian)
        .distinct()
    )


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
