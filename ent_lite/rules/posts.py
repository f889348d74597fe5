"""Posts: who reads which post, who posts where, who edits, deletes and tracks it.

``visible_posts`` is the rule: the feed, the unread counts and the notifications select
through it, and ``can_read_post`` asks it about one post, so a list and a page never disagree.
A reader sees a post from its publication until it expires (``post_is_live``, the SQL twin of
``Post.is_live``); its author always; a director (site lead) keeps the expired posts sent
from their school (site) to manage them. ``postable_targets`` lists the audiences an author
may choose, narrowest first; every posting form offers and checks exactly those.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, and_, false, or_, select

from ent_lite.accounts.models import Membership, Role
from ent_lite.audience import keys as audience_keys
from ent_lite.audience.keys import Key
from ent_lite.consents import services as consents
from ent_lite.core.aliases import alias_of
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.posts.models import Post, PostAudience
from ent_lite.rules.reach import POSTING_ROLES, READING_STAFF, Reach, any_of, key_rows, reach_of, reader_matches
from ent_lite.school.models import LEVELS, Establishment, EstablishmentKind, Group, GroupKind


@dataclass(frozen=True)
class PostTarget:
    """One audience an author may choose: an audience key, a label, and the sender.

    ``establishment_id`` is the establishment the post is sent from (the class's school,
    the director's school, the animator's site, the city agent's service). ``ref`` is what
    forms show instead of an internal id: the group's or school's random public id.
    """

    kind: str
    value: str
    label: str
    establishment_id: int
    ref: str = ""

    @property
    def key(self) -> Key:
        return (self.kind, self.value)

    @property
    def token(self) -> str:
        """The form value of this target, e.g. "group:<public id>" or "level:CP"."""
        return f"{self.kind}:{self.ref or self.value}"


def may_send_optional_info(user) -> bool:
    """City agents alone mark a post as optional city information."""
    return may_post(user) and user.role == Role.CITY_AGENT


def post_is_live(now: datetime) -> ColumnElement[bool]:
    """Published (a scheduled post waits for its time) and not yet expired."""
    return _is_live(Post, now)


def _is_live(post, now: datetime) -> ColumnElement[bool]:
    """``post_is_live`` on ``post``, the Post model or an alias of it."""
    return and_(post.published_dt <= now, or_(post.expires_dt.is_(None), post.expires_dt > now))


def visible_posts(user, now: datetime | None = None, reach: Reach | None = None):
    """SELECT of the posts this user may read (unordered).

    Readers see a post from its publication time until it expires; its author sees it
    always, and a director keeps the expired posts sent from their school (to manage them).
    Built once per reach and moment: the feed, the menu's counts and a post page's checks
    ask it with the request's reach and time.
    """
    now = now or utcnow()
    reach = reach or reach_of(user)
    return reach.built_once(("visible_posts", now), lambda: _visible_posts(reach, now))


def _visible_posts(reach: Reach, now: datetime):
    if reach.role == Role.GUARDIAN:
        # Optional city information: consents.may(guardian, CITY_INFORMATION), as part of the query.
        agreed = consents.agreeing_guardians(consents.CITY_INFORMATION, now, guardian_id=reach.user_id).exists()
        return select(Post).where(post_is_live(now), reader_matches(reach.children),
                                  or_(Post.is_optional_info.is_(False), agreed))
    if reach.role in READING_STAFF:
        # One IN over a UNION ALL, not an OR of INs (see ``any_of``); the subqueries name an
        # alias of post, as the outer query selects from post itself.
        post = alias_of(Post, "staff reach")
        keyed = key_rows(reach.keys)
        return select(Post).where(any_of([
            select(post.id).where(post.author_id == reach.user_id),
            select(post.id).where(post.published_dt <= now, post.establishment_id.in_(sorted(reach.directed_ids)))
            if reach.directed_ids else None,
            keyed.join(post, post.id == PostAudience.post_id).where(_is_live(post, now)) if keyed is not None else None,
        ], Post.id))
    return select(Post).where(false())


def can_read_post(user, post: Post, now: datetime | None = None, reach: Reach | None = None) -> bool:
    now = now or utcnow()
    reach = reach or reach_of(user)
    # A post page asks twice (the page itself, then its "Reply" link): one query per request.
    return reach.built_once(("can_read_post", post.id, now), lambda: bool(db.session.scalar(
        select(visible_posts(user, now, reach).where(Post.id == post.id).exists()))))


def can_see_read_stats(user, post: Post, reach: Reach | None = None) -> bool:
    """The author, and the director (or site lead) of the establishment the post was sent from."""
    if not getattr(user, "is_authenticated", False) or user.role not in READING_STAFF:
        return False
    if post.author_id is not None and post.author_id == user.id:
        return True
    reach = reach or reach_of(user)
    return post.establishment_id in reach.directed_ids


def may_read_news(user) -> bool:
    """Families and the staff who read what they reach; admin and DPO have no feed."""
    return getattr(user, "is_authenticated", False) and user.role in (Role.GUARDIAN, *READING_STAFF)


def reads_as_family(user) -> bool:
    """A guardian reads the news as a family: opening a post is their read receipt, and the
    feed shows what to sign or answer; staff read statistics and audiences instead."""
    return getattr(user, "is_authenticated", False) and user.role == Role.GUARDIAN


def receives_notifications(user) -> bool:
    """Who has notification choices to make: the people told of news or messages. Admin and DPO
    accounts have neither a feed nor an inbox (the readers of news are exactly the users of
    messages), so nothing to be told."""
    return may_read_news(user)


def may_post(user) -> bool:
    """Whether the user's role posts at all (they may still have no target yet)."""
    return getattr(user, "is_authenticated", False) and user.role in POSTING_ROLES


def postable_targets(user) -> list[PostTarget]:
    """The audiences this user may post to, narrowest first."""
    if not may_post(user):
        return []
    if user.role == Role.CITY_AGENT:
        return _city_targets(user)
    reach = reach_of(user)
    own_group_ids, directed = reach.group_ids, reach.directed_ids
    wanted_kind = GroupKind.PERISCOLAIRE if user.role == Role.ANIMATOR else GroupKind.CLASS
    in_scope = [Group.id.in_(sorted(own_group_ids))] if own_group_ids else []
    if directed:
        in_scope.append(Group.establishment_id.in_(sorted(directed)))
    if not in_scope:
        return []
    rows = db.session.execute(
        select(Group, Establishment).join(Establishment, Establishment.id == Group.establishment_id)
        .where(or_(*in_scope), Group.kind == wanted_kind,
               Group.school_year == audience_keys.this_school_year())
        .order_by(Establishment.name, Group.name, Group.id)
    ).all()
    targets = [
        PostTarget(audience_keys.GROUP, str(group.id),
                   _l("%(group)s (%(establishment)s)", group=group.name, establishment=school.name),
                   school.id, ref=group.public_id)
        for group, school in rows
    ]
    if directed:
        schools = db.session.scalars(
            select(Establishment).where(Establishment.id.in_(sorted(directed))).order_by(Establishment.name)
        ).all()
        targets += [
            PostTarget(audience_keys.ESTABLISHMENT, str(school.id),
                       _l("Whole site: %(site)s", site=school.name) if school.kind == EstablishmentKind.PERISCOLAIRE
                       else _l("Whole school: %(school)s", school=school.name), school.id, ref=school.public_id)
            for school in schools
        ]
    return targets


def _city_targets(user) -> list[PostTarget]:
    """A city agent speaks for their service: without a membership there is no sender."""
    service_id = db.session.scalar(
        select(Membership.establishment_id)
        .join(Establishment, Establishment.id == Membership.establishment_id)
        .where(Membership.user_id == user.id)
        .order_by((Establishment.kind == EstablishmentKind.SERVICE).desc(), Establishment.id)
        .limit(1)
    )
    if service_id is None:
        return []
    schools = db.session.scalars(
        select(Establishment)
        .where(Establishment.city_id == user.city_id, Establishment.kind == EstablishmentKind.SCHOOL)
        .order_by(Establishment.name)
    ).all()
    districts = sorted({s.district for s in schools if s.district})
    targets = [PostTarget(audience_keys.ESTABLISHMENT, str(s.id),
                          _l("Whole school: %(school)s", school=s.name), service_id, ref=s.public_id)
               for s in schools]
    targets += [PostTarget(audience_keys.DISTRICT, d, _l("District: %(district)s", district=d), service_id)
                for d in districts]
    targets += [PostTarget(audience_keys.LEVEL, level, _l("Level %(level)s, whole city", level=level), service_id)
                for level in LEVELS]
    targets.append(PostTarget(audience_keys.ALL, "*", _l("All families of the city"), service_id))
    year = audience_keys.this_school_year()
    targets.append(PostTarget(audience_keys.NO_ACTIVITY, year,
                              _l("Families of children with no activity yet in %(year)s", year=year), service_id))
    return targets


def can_post_to(user, target) -> bool:
    """``target`` is a PostTarget or a (kind, value) key."""
    key = target.key if isinstance(target, PostTarget) else tuple(target)
    return any(t.key == key for t in postable_targets(user))


# --- editing, deleting, tracking ------------------------------------------------------------

def can_edit_post(user, post: Post) -> bool:
    """Only the author edits a post (their words, their name on it)."""
    return (getattr(user, "is_authenticated", False) and user.role in POSTING_ROLES
            and post.author_id is not None and post.author_id == user.id)


def can_delete_post(user, post: Post, reach: Reach | None = None) -> bool:
    """The author, or the director (site lead) of the school (site) the post was sent from."""
    if can_edit_post(user, post):
        return True
    if not getattr(user, "is_authenticated", False) or user.role not in (Role.DIRECTOR, Role.ANIMATOR):
        return False
    return post.establishment_id in (reach or reach_of(user)).directed_ids


def can_track_post(user, post: Post, reach: Reach | None = None) -> bool:
    """Who sees the per-child read and signature tracking: as for the read statistics."""
    return can_see_read_stats(user, post, reach)
