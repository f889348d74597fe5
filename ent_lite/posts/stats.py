"""Read receipts and statistics: who opened a post, how many families a post reaches.

A family is defined once, in ``school.households``; children are the second figure.

Every function here is one aggregate query, whatever the number of posts or families.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import and_, case, distinct, func, literal_column, or_, select

from ent_lite.accounts.models import User
from ent_lite.audience import describe
from ent_lite.audience import keys as audience_keys
from ent_lite.audience.child_keys import child_keys_subquery, matches_post_key, sender_city
from ent_lite.audience.keys import Key
from ent_lite.consents import services as consents
from ent_lite.extensions import db
from ent_lite.notifications.models import PushSubscription
from ent_lite.posts.models import Post, PostAudience, PostRead
from ent_lite.rules import PostTarget
from ent_lite.school import households
from ent_lite.school.models import Establishment, Group, GuardianLink


def _key_of(target) -> Key:
    return target.key if isinstance(target, PostTarget) else (str(target[0]), str(target[1]))


def _reached_guardian(child_id_column, optional_info):
    """SQL: the child has a guardian the post reaches: any guardian, or for optional city
    information one who agreed to receive it (the consents service's rule, as a query)."""
    guardians = select(GuardianLink.id).where(GuardianLink.child_id == child_id_column)
    if optional_info is False:
        return guardians.exists()
    return guardians.where(_link_reached(optional_info)).exists()


def _link_reached(optional_info):
    """SQL: this guardian link is one the post reaches (see ``_reached_guardian``)."""
    agreed = GuardianLink.user_id.in_(consents.agreeing_guardians(consents.CITY_INFORMATION))
    return agreed if optional_info is True else or_(optional_info.is_(False), agreed)


def reached_child_ids(post_id: int, kinds=None):
    """SELECT of the ids of the current children with a guardian that the post reaches.
    ``kinds``: the kinds of the post's audience keys, if known (``audience_kinds``)."""
    child_keys = child_keys_subquery(post_ids=[post_id], kinds=kinds)
    return (
        select(child_keys.c.child_id)
        .select_from(PostAudience)
        .join(Post, Post.id == PostAudience.post_id)
        .join(child_keys, matches_post_key(
            child_keys, PostAudience.kind, PostAudience.value, sender_city(Post.establishment_id)))
        .where(PostAudience.post_id == post_id, _reached_guardian(child_keys.c.child_id, Post.is_optional_info))
        .distinct()
    )


def audience_kinds(post: Post) -> frozenset[str]:
    """The kinds of the post's audience keys: what its SQL needs of ``child_keys_subquery``."""
    return frozenset(row.kind for row in post.audience)


def read_post_ids(user_id: int, post_ids: Iterable[int]) -> set[int]:
    """Which of these posts the user has opened, in one query."""
    ids = sorted(set(post_ids))
    if not ids:
        return set()
    return set(db.session.scalars(
        select(PostRead.post_id).where(PostRead.user_id == user_id, PostRead.post_id.in_(ids))
    ))


class ReadStats(NamedTuple):
    """Who has read a post: families first (``school.households``), children second. A family
    has read it when one of its guardians opened it; a child, when one of its guardians did."""

    families_read: int = 0
    families: int = 0
    children_read: int = 0
    children: int = 0


def _reached_links(post_ids: list[int], kinds=None):
    """SELECT (scope = post id, guardian_id, child_id): the guardian links each post reaches."""
    child_keys = child_keys_subquery(post_ids=post_ids, kinds=kinds)
    return (
        select(PostAudience.post_id.label("scope"), GuardianLink.user_id.label("guardian_id"),
               GuardianLink.child_id.label("child_id"))
        .join(Post, Post.id == PostAudience.post_id)
        .join(child_keys, matches_post_key(
            child_keys, PostAudience.kind, PostAudience.value, sender_city(Post.establishment_id)))
        .join(GuardianLink, GuardianLink.child_id == child_keys.c.child_id)
        .where(PostAudience.post_id.in_(post_ids), _link_reached(Post.is_optional_info))
        .distinct()
    )


def read_stats_many(post_ids: Iterable[int], kinds=None) -> dict[int, ReadStats]:
    """{post id: ReadStats} in one aggregate query, whatever the number of posts and families.
    ``kinds``: every kind of these posts' audience keys, if known (``audience_kinds``)."""
    ids = sorted(set(post_ids))
    if not ids:
        return {}
    family = households.family_of_children(_reached_links(ids, kinds))
    has_read = (
        select(PostRead.id)
        .join(GuardianLink, GuardianLink.user_id == PostRead.user_id)
        .where(PostRead.post_id == family.c.scope, GuardianLink.child_id == family.c.child_id)
        .exists()
    )
    rows = db.session.execute(
        select(family.c.scope, func.count(distinct(case((has_read, family.c.family_id)))),
               func.count(distinct(family.c.family_id)), func.count(case((has_read, 1))), func.count())
        .group_by(family.c.scope)
    ).all()
    stats = dict.fromkeys(ids, ReadStats())
    stats.update({post_id: ReadStats(*figures) for post_id, *figures in rows})
    return stats


def read_stats(post: Post) -> ReadStats:
    """``read_stats_many`` for one post."""
    return read_stats_many([post.id], audience_kinds(post))[post.id]


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
    child_keys = child_keys_subquery(keys=keys)
    return child_keys, or_(*(matches_post_key(child_keys, kind, value, city_id)
                             for kind, value in sorted(keys)))


def count_reached_children(targets: Iterable[PostTarget | Key], city_id: int | None = None) -> int:
    """How many current children with a guardian these audiences reach, in one aggregate query;
    ``city_id``: the sender's city (see ``_targets_matching``)."""
    targets = list(targets)
    if not targets:
        return 0
    child_keys, matches = _targets_matching(targets, city_id)
    return db.session.scalar(
        select(func.count(distinct(child_keys.c.child_id)))
        .where(matches, _reached_guardian(child_keys.c.child_id, False))
    ) or 0


def _target_links(targets, city_id: int | None, agreed_only: bool):
    """SELECT (scope = 0, guardian_id, child_id): the guardian links these audiences reach."""
    child_keys, matches = _targets_matching(targets, city_id)
    query = (select(literal_column("0").label("scope"), GuardianLink.user_id.label("guardian_id"),
                    GuardianLink.child_id.label("child_id"))
             .select_from(child_keys)
             .join(GuardianLink, GuardianLink.child_id == child_keys.c.child_id)
             .where(matches).distinct())
    if agreed_only:
        query = query.where(_link_reached(True))
    return query


def count_households(targets: Iterable[PostTarget | Key], city_id: int | None = None,
                     agreed_only: bool = False) -> int:
    """How many families (``school.households``) these audiences reach, in one query.
    ``agreed_only``: only guardians who agreed to receive optional city information."""
    return reach_by_channel(targets, city_id, agreed_only).families


@dataclass(frozen=True)
class ChannelReach:
    """How a post reaches its families (``school.households``): ``families`` in all; those
    where a guardian can log in and so gets an email (``email``) or also has a phone with
    notifications on (``push``); ``nothing``: no guardian has an active account yet, a paper
    copy is needed."""

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
    links = _target_links(targets, city_id, agreed_only)
    family = households.family_of_children(links)
    link = links.subquery("reached_link")
    active = and_(User.password_hash.is_not(None), User.is_enabled.is_(True), User.email.is_not(None))
    has_push = select(PushSubscription.id).where(PushSubscription.user_id == User.id).exists()
    per_family = (
        select(family.c.family_id,
               func.max(case((active, 1), else_=0)).label("email"),
               func.max(case((and_(active, has_push), 1), else_=0)).label("push"))
        .join(link, link.c.child_id == family.c.child_id)
        .join(User, User.id == link.c.guardian_id)
        .group_by(family.c.family_id)
        .subquery("per_family")
    )
    families, email, pushed = db.session.execute(
        select(func.count(), func.coalesce(func.sum(per_family.c.email), 0),
               func.coalesce(func.sum(per_family.c.push), 0))
    ).one()
    return ChannelReach(families=families, email=email, push=pushed, nothing=families - email)


def _ids_of(posts: Sequence[Post], kind: str) -> list[int]:
    return sorted({int(a.value) for p in posts for a in p.audience if a.kind == kind and a.value.isdigit()})


def audience_names(posts: Sequence[Post]) -> dict[int, list[tuple[str, str]]]:
    """{post id: [(kind, name)]} so staff see whom a post went to; at most five queries (two, and
    three for the posts sent to criteria: ``audience.describe``)."""
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
    for rule_id, name in describe.rule_names(_ids_of(posts, audience_keys.RULE)).items():
        names_by_key[audience_keys.rule_key(rule_id)] = name

    def order(row: PostAudience):
        kinds = audience_keys.KINDS
        return (kinds.index(row.kind) if row.kind in kinds else len(kinds), row.value)

    return {
        post.id: [(a.kind, names_by_key.get((a.kind, a.value), a.value)) for a in sorted(post.audience, key=order)]
        for post in posts
    }
