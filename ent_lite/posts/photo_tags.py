"""Children tagged on a post's photos, and whether those photos may be shown (PRIVACY.md A.5).

The author ticks the children who appear in the post's photos. Each tagged child then needs
an active ``photo_publication`` consent for the breadth of the post's audience:

- "class": every audience key is a group the child is in (their class or periscolaire
  group): only families who share a group with the child see the photo;
- "school": every key is a group or the whole of one establishment (a school or a
  periscolaire site): the families of that establishment see it;
- "city": anything wider (several establishments, a district, a level, all the city).

A consent for one breadth is never read as a consent for another: guardians decide each.
Publishing is refused while a consent is missing, and once one is withdrawn the photos are
no longer served to readers (ent_lite.rules.photos_withheld_from). Everything here
runs a fixed number of queries, whatever the number of posts or children.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, select

from ent_lite.audience import keys as audience_keys
from ent_lite.audience.keys import Key
from ent_lite.consents import services as consents
from ent_lite.extensions import db
from ent_lite.posts.models import PostAudience, PostPhotoChild
from ent_lite.school.models import Child, Enrolment, Group

CLASS, SCHOOL, CITY = "class", "school", "city"


def required_audience(post_keys: Iterable[Key], child_group_ids: set[int],
                      group_establishments: dict[int, int]) -> str:
    """The consent audience a tagged child needs for a post with these keys (see above)."""
    post_keys = list(post_keys)
    kinds = {kind for kind, _ in post_keys}
    group_ids = {int(value) for kind, value in post_keys if kind == audience_keys.GROUP}
    if post_keys and kinds == {audience_keys.GROUP} and group_ids <= child_group_ids:
        return CLASS
    if post_keys and kinds <= {audience_keys.GROUP, audience_keys.ESTABLISHMENT}:
        establishments = {group_establishments.get(g) for g in group_ids}
        establishments |= {int(value) for kind, value in post_keys if kind == audience_keys.ESTABLISHMENT}
        if len(establishments) == 1 and None not in establishments:
            return SCHOOL
    return CITY


def _groups_of(child_ids: Iterable[int]) -> dict[int, set[int]]:
    """{child id: ids of their groups this school year} in one query."""
    ids = sorted(set(child_ids))
    found: dict[int, set[int]] = defaultdict(set)
    if ids:
        rows = db.session.execute(
            select(Enrolment.child_id, Enrolment.group_id).join(Group, Group.id == Enrolment.group_id)
            .where(Enrolment.child_id.in_(ids), Group.school_year == audience_keys.this_school_year()))
        for child_id, group_id in rows:
            found[child_id].add(group_id)
    return found


def _establishments_of(all_keys: Iterable[Key]) -> dict[int, int]:
    """{group id: establishment id} for the group keys given, in one query."""
    ids = sorted({int(value) for kind, value in all_keys if kind == audience_keys.GROUP})
    if not ids:
        return {}
    return dict(db.session.execute(select(Group.id, Group.establishment_id).where(Group.id.in_(ids))).all())


def _lacking(items: list[tuple[object, list[Key], Child]], now: datetime | None) -> list[tuple[object, Child, str]]:
    """For (owner, post keys, child) triples: those whose child lacks consent, with the audience needed.

    Only the audience each child needs is worked out here; whether it is consented is the
    consents service's one check (``consents.lacking``, also behind ``consents.may``)."""
    if not items:
        return []
    groups = _groups_of(child.id for _, _, child in items)
    establishments = _establishments_of(key for _, post_keys, _ in items for key in post_keys)
    needed = [(owner, child, required_audience(post_keys, groups.get(child.id, set()), establishments))
              for owner, post_keys, child in items]
    missing = set(consents.lacking(((child, audience) for _, child, audience in needed),
                                   consents.PHOTO_PUBLICATION, now))
    return [(owner, child, audience) for owner, child, audience in needed if (child, audience) in missing]


def blocking_children(post_keys: Iterable[Key], children: Iterable[Child],
                      now: datetime | None = None) -> list[tuple[Child, str]]:
    """The tagged children who may not appear in a post with these keys, with the audience needed."""
    post_keys = list(post_keys)
    return [(child, needed) for _, child, needed in _lacking([(None, post_keys, c) for c in children], now)]


def tagged_children(post_ids: Iterable[int]) -> dict[int, list[Child]]:
    """{post id: children tagged on its photos, by name} in one query."""
    ids = sorted(set(post_ids))
    found: dict[int, list[Child]] = defaultdict(list)
    if ids:
        rows = db.session.execute(
            select(PostPhotoChild.post_id, Child).join(Child, Child.id == PostPhotoChild.child_id)
            .where(PostPhotoChild.post_id.in_(ids)).order_by(Child.first_name, Child.last_name, Child.id))
        for post_id, child in rows:
            found[post_id].append(child)
    return found


def set_tags(post, children: Iterable[Child]) -> None:
    """Replace the children tagged on the post's photos; flushed, the caller commits."""
    db.session.execute(delete(PostPhotoChild).where(PostPhotoChild.post_id == post.id))
    db.session.add_all(PostPhotoChild(post_id=post.id, child_id=child.id) for child in dict.fromkeys(children))
    db.session.flush()


def posts_with_withheld_photos(post_ids: Iterable[int], now: datetime | None = None) -> set[int]:
    """The posts (among these) tagging a child who now lacks consent for the post's audience."""
    tags = tagged_children(post_ids)
    if not tags:
        return set()
    keys_by_post: dict[int, list[Key]] = defaultdict(list)
    rows = db.session.execute(
        select(PostAudience.post_id, PostAudience.kind, PostAudience.value)
        .where(PostAudience.post_id.in_(sorted(tags))))
    for post_id, kind, value in rows:
        keys_by_post[post_id].append((kind, value))
    items = [(post_id, keys_by_post[post_id], child) for post_id, children in tags.items() for child in children]
    return {post_id for post_id, _, _ in _lacking(items, now)}


BREADTHS = (CLASS, SCHOOL, CITY)


def agreed_breadths(children: Iterable[Child], now: datetime | None = None) -> dict[int, frozenset[str]]:
    """{child id: the audiences (class, school, city) their guardians agreed to show photos to},
    for the tagging list to say, before the author tries, whose photo may be published where.
    One call of the consents service for all children and breadths (a fixed number of queries)."""
    children = list(dict.fromkeys(children))
    missing = set(consents.lacking(((child, breadth) for child in children for breadth in BREADTHS),
                                   consents.PHOTO_PUBLICATION, now))
    return {child.id: frozenset(b for b in BREADTHS if (child, b) not in missing) for child in children}


def needed_breadths(post_keys: Iterable[Key], children: Iterable[Child]) -> dict[int, str]:
    """{child id: the audience their consent must cover for a post with these keys}."""
    post_keys = list(post_keys)
    children = list(children)
    groups = _groups_of(child.id for child in children)
    establishments = _establishments_of(post_keys)
    return {child.id: required_audience(post_keys, groups.get(child.id, set()), establishments) for child in children}
