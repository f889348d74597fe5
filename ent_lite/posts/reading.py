"""What the news pages show a reader: the feed and one post, assembled for the templates.

The views only load, check and render; these functions decide what a reader sees on the page
(whose photos are withheld, which statistics, which buttons) from the rules, so tests call them
directly. A guardian reads the family home (the "To do" list, a filter per child, unread
marks, signature status); staff read statistics and audience names instead.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime

from ent_lite import rules
from ent_lite.files.services import attachments_by_owner
from ent_lite.forms.services import form_panel
from ent_lite.posts import home, photo_tags, services, signatures, tracking
from ent_lite.posts.models import Post
from ent_lite.posts.stats import audience_kinds
from ent_lite.school.models import Child


class _Context:
    def context(self) -> dict:
        """The template's variables: one per field (no deep copy of the posts)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass
class FeedPage(_Context):
    posts: list[Post]
    now: datetime
    page: int
    has_next: bool
    is_guardian: bool
    children_by_post: dict
    attachments: dict
    photos_hidden: set[int]
    can_post: bool
    to_do: list = field(default_factory=list)
    filters: list = field(default_factory=list)
    chosen: str | None = None
    unread: set[int] = field(default_factory=set)
    audience_by_post: dict = field(default_factory=dict)
    stats_by_post: dict = field(default_factory=dict)
    ack_by_post: dict = field(default_factory=dict)


@dataclass
class PostPage(_Context):
    post: Post
    now: datetime
    is_guardian: bool
    children: list
    attachments: list
    photos_hidden: bool
    photos_withheld: bool
    panel: object
    may_reply: bool
    can_edit: bool
    can_delete: bool
    can_track: bool
    audience: list = field(default_factory=list)
    stats: object = None
    signature: object = None
    optional_families: int | None = None


@dataclass
class TrackingPage(_Context):
    post: Post
    now: datetime
    counts: tracking.TrackingCounts
    audience: list
    rows: list
    page: int
    has_next: bool
    sees_children: bool
    without_account: tracking.WithoutAccount | None
    published: bool
    next_reminder: datetime | None


def without_withheld_photos(user, posts, attachments: dict, now: datetime) -> tuple[dict, set[int]]:
    """Drop the photos of posts whose photos the reader may not see (rules.photos_withheld_from);
    also returns the posts that lost a photo, which show a neutral line instead."""
    with_photos = [p for p in posts if any(a.kind == "image" for a in attachments.get(("post", p.id), ()))]
    withheld = rules.photos_withheld_from(user, with_photos, now)  # no query without photos
    shown, hidden = dict(attachments), set()
    for post_id in withheld:
        files = shown.get(("post", post_id), [])
        kept = [a for a in files if a.kind != "image"]
        if len(kept) != len(files):
            shown[("post", post_id)] = kept
            hidden.add(post_id)
    return shown, hidden


def feed(user, counts, child_public_id: str | None, page: int, per_page: int) -> FeedPage:
    """One page of a reader's news. ``counts`` is the request's ``NavCounts`` (the menu's): its
    reach, its SELECT of visible posts and its "To do" list serve the page too, built once."""
    reach, now = counts.reach, counts.now
    is_guardian = rules.reads_as_family(user)
    seen = home.narrowed(reach, child_public_id if is_guardian else None)
    visible = counts.visible if seen.reach is reach else rules.visible_posts(user, now, seen.reach)
    posts, has_next = services.feed_page(user, now, page, per_page, visible=visible)
    ids = [post.id for post in posts]
    children_by_post = {
        post.id: reach.children.children_for((a.kind, a.value) for a in post.audience) for post in posts
    }
    attachments, photos_hidden = without_withheld_photos(user, posts, attachments_by_owner(post_ids=ids), now)
    shown = FeedPage(posts, now, page, has_next, is_guardian, children_by_post, attachments, photos_hidden,
                     can_post=rules.may_post(user))
    if is_guardian:
        read_ids = services.read_post_ids(user.id, ids)
        shown.to_do = seen.to_do(counts.to_do_items)
        shown.filters = home.child_filters(reach)
        shown.chosen = seen.public_id
        shown.unread = {post_id for post_id in ids if post_id not in read_ids}
        shown.ack_by_post = signatures.feed_statuses(user, posts, children_by_post)
    else:
        shown.audience_by_post = services.audience_names(posts)
        counted = [post for post in posts if rules.can_see_read_stats(user, post, reach)]
        # Their audiences' kinds only: a level or "all" kind would list every child of the city.
        shown.stats_by_post = services.read_stats_many(
            [post.id for post in counted], frozenset().union(*(audience_kinds(post) for post in counted)))
    return shown


def post_page(user, post: Post, now: datetime, reach: rules.Reach, attachments: list) -> PostPage:
    """One post as its reader sees it (``attachments``: the post's files). Reading it is
    recorded by the view (``services.record_read``), which commits before rendering."""
    is_guardian = rules.reads_as_family(user)
    children = reach.children.children_for((a.kind, a.value) for a in post.audience)
    shown, hidden = without_withheld_photos(user, [post], {("post", post.id): attachments}, now)
    files = shown[("post", post.id)]
    sees_stats = rules.can_see_read_stats(user, post, reach)
    page = PostPage(
        post, now, is_guardian, children, files,
        photos_hidden=post.id in hidden,
        # The author, who alone still sees them, learns that nobody else does.
        photos_withheld=(rules.keeps_withheld_photos(user, post) and any(a.kind == "image" for a in files)
                         and bool(photo_tags.posts_with_withheld_photos([post.id], now))),
        panel=form_panel(user, post, now),
        may_reply=is_guardian and rules.can_reply_to_post(user, post, now, reach),
        can_edit=rules.can_edit_post(user, post),
        can_delete=rules.can_delete_post(user, post, reach),
        can_track=rules.can_track_post(user, post, reach),
    )
    if is_guardian:
        page.signature = signatures.guardian_panel(user, post, children, now)
    else:
        page.audience = services.audience_names([post])[post.id]
    if sees_stats:
        page.stats = services.read_stats(post)
        page.optional_families = optional_families(post)
    return page


def optional_families(post: Post) -> int | None:
    """How many households a post's optional city information reaches today (the guardians
    who agreed); None for other posts."""
    if not post.is_optional_info:
        return None
    return services.count_households([(a.kind, a.value) for a in post.audience], post.establishment.city_id,
                                     agreed_only=True)


def tracking_page(user, post: Post, reach: rules.Reach, now: datetime, page: int) -> TrackingPage:
    """The author's (or director's) follow-up of a post: its figures for the whole audience,
    then the children the viewer may see by name, page by page (a city agent: figures only)."""
    visible_ids = rules.visible_children(user, reach).with_only_columns(Child.id)
    rows, has_next = tracking.tracking_page(post, visible_ids, page)
    by_name = rules.sees_pupils_by_name(user)
    return TrackingPage(
        post, now, tracking.tracking_counts(post), services.audience_names([post])[post.id], rows, page, has_next,
        sees_children=by_name,
        without_account=tracking.children_without_account(post, visible_ids) if by_name else None,
        published=services.is_published(post, now),
        next_reminder=post.reminded_dt + tracking.REMINDER_INTERVAL if post.reminded_dt else None,
    )
