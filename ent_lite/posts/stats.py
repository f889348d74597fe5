"""Read receipts and statistics: who opened a post, how many families a post reaches.

Every function here is one aggregate query, whatever the number of posts or families.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import and_, case, distinct, func, or_, select

from ent_lite.accounts.models import User
from ent_lite.audience import keys as audience_keys
from ent_lite.audience.keys import Key
from ent_lite.audience.rules import PostTarget
from ent_lite.consents import services as consents
from ent_lite.extensions import db
from ent_lite.notifications.models import PushSubscription
from ent_lite.posts.models import Post, PostAudience, PostRead
from ent_lite.school.models import Establishment, Group, GuardianLink


def _key_of(target) -> Key:
    return target.key if isinstance(target, PostTarget) else (str(target[0]), str(target[1]))


def _reached_guardian(child_id_column, optional_info):
    """SQL: the child has a guardian the post reaches: any guardian, or for optional city
    information one who agreed to receive it (the consents service's rule, as a query)."""
    guardians = select(GuardianLink.id).where(GuardianLink.child_id == child_id_column)
    if optional_info is False:
        return guardians.exists()
    agreed = GuardianLink.user_id.in_(consents.agreeing_guardians(consents.CITY_INFORMATION))
    return guardians.where(or_(optional_info.is_(False), agreed)).exists()


def reached_child_ids(post_id: int):
    """SELECT of the ids of the current children with a guardian that the post reaches."""
    child_keys = audience_keys.child_keys_subquery()
    return (
        select(child_keys.c.child_id)
        .select_from(PostAudience)
        .join(Post, Post.id == PostAudience.post_id)
        .join(child_keys, audience_keys.matches_post_key(
            child_keys, PostAudience.kind, PostAudience.value, audience_keys.sender_city(Post.establishment_id)))
        .where(PostAudience.post_id == post_id, _reached_guardian(child_keys.c.child_id, Post.is_optional_info))
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
        select(PostAudience.post_id.label("post_id"), child_keys.c.child_id.label("child_id"),
               Post.is_optional_info.label("optional_info"))
        .join(Post, Post.id == PostAudience.post_id)
        .join(child_keys, audience_keys.matches_post_key(
            child_keys, PostAudience.kind, PostAudience.value, audience_keys.sender_city(Post.establishment_id)))
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
        .where(_reached_guardian(reached.c.child_id, reached.c.optional_info))
        .group_by(reached.c.post_id)
    ).all()
    stats = dict.fromkeys(ids, (0, 0))
    stats.update({post_id: (read, total) for post_id, read, total in rows})
    return stats


def read_stats(post: Post) -> tuple[int, int]:
    """(families_read, families_total) for one post."""
    return read_stats_many([post.id])[post.id]


def _targets_matching(targets, city_id: int | None):
    """(child_keys, SQL condition) for the children these audiences reach in the sender's city.

    ``city_id`` is the sender's city; without it, it comes from the targets' establishment
    (``PostTarget``). District, level and "all" keys need one (``ValueError`` otherwise).
    """
    keys = {_key_of(t) for t in targets}
    if city_id is None:
        senders = {t.establishment_id for t in targets if isinstance(t, PostTarget)}
        if senders:
            city_id = db.session.scalar(select(Establishment.city_id).where(Establishment.id.in_(sorted(senders))))
    if city_id is None and any(kind in audience_keys.CITY_WIDE_KINDS for kind, _ in keys):
        raise ValueError("a city-wide audience needs the sender's city")
    child_keys = audience_keys.child_keys_subquery()
    return child_keys, or_(*(audience_keys.matches_post_key(child_keys, kind, value, city_id)
                             for kind, value in sorted(keys)))


def count_recipient_families(targets: Iterable[PostTarget | Key], city_id: int | None = None) -> int:
    """How many families (current children with a guardian) a post to these audiences reaches,
    in one aggregate query; ``city_id``: the sender's city (see ``_targets_matching``)."""
    targets = list(targets)
    if not targets:
        return 0
    child_keys, matches = _targets_matching(targets, city_id)
    return db.session.scalar(
        select(func.count(distinct(child_keys.c.child_id)))
        .where(matches, _reached_guardian(child_keys.c.child_id, False))
    ) or 0


def count_households(targets: Iterable[PostTarget | Key], city_id: int | None = None,
                     agreed_only: bool = False) -> int:
    """How many households these audiences reach, each counted once however many of its
    children are reached and however many guardians it has: a household is the children one
    guardian has among those reached (as for polls answered per family, forms.models.family_key),
    so two parents of the same children are one, and a parent of three is one.
    ``agreed_only``: only guardians who agreed to receive optional city information."""
    targets = list(targets)
    if not targets:
        return 0
    child_keys, matches = _targets_matching(targets, city_id)
    query = (select(GuardianLink.user_id, child_keys.c.child_id)
             .join(GuardianLink, GuardianLink.child_id == child_keys.c.child_id)
             .where(matches).distinct())
    if agreed_only:
        query = query.where(GuardianLink.user_id.in_(consents.agreeing_guardians(consents.CITY_INFORMATION)))
    children_of: dict[int, set[int]] = defaultdict(set)
    for guardian_id, child_id in db.session.execute(query):
        children_of[guardian_id].add(child_id)
    return len({frozenset(children) for children in children_of.values()})


@dataclass(frozen=True)
class ChannelReach:
    """How a post reaches its households: ``families`` in all; those where a guardian can log
    in and so gets an email (``email``) or also has a phone with notifications on (``push``);
    ``nothing``: no guardian has an active account yet, a paper copy is needed."""

    families: int = 0
    email: int = 0
    push: int = 0
    nothing: int = 0


def reach_by_channel(targets: Iterable[PostTarget | Key], city_id: int | None = None,
                     agreed_only: bool = False) -> ChannelReach:
    """``count_households`` told per channel, in one query (see ``ChannelReach``)."""
    targets = list(targets)
    if not targets:
        return ChannelReach()
    child_keys, matches = _targets_matching(targets, city_id)
    active = and_(User.password_hash.is_not(None), User.is_enabled.is_(True), User.email.is_not(None))
    has_push = select(PushSubscription.id).where(PushSubscription.user_id == User.id).exists()
    query = (select(GuardianLink.user_id, child_keys.c.child_id, active, has_push)
             .join(GuardianLink, GuardianLink.child_id == child_keys.c.child_id)
             .join(User, User.id == GuardianLink.user_id)
             .where(matches).distinct())
    if agreed_only:
        query = query.where(GuardianLink.user_id.in_(consents.agreeing_guardians(consents.CITY_INFORMATION)))
    children_of: dict[int, set[int]] = defaultdict(set)
    channels: dict[int, tuple[bool, bool]] = {}
    for guardian_id, child_id, is_active, pushes in db.session.execute(query):
        children_of[guardian_id].add(child_id)
        channels[guardian_id] = (bool(is_active), bool(is_active and pushes))
    households: dict[frozenset[int], list[bool]] = {}
    for guardian_id, children in children_of.items():
        told = households.setdefault(frozenset(children), [False, False])
        is_active, pushes = channels[guardian_id]
        told[0] = told[0] or is_active
        told[1] = told[1] or pushes
    return ChannelReach(
        families=len(households),
        email=sum(1 for email, _ in households.values() if email),
        push=sum(1 for _, push in households.values() if push),
        nothing=sum(1 for email, _ in households.values() if not email),
    )


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
