"""Class news: the feed, one post and deleting it. Every access goes through ent_lite.rules.

Writing and editing are in views_compose.py; signatures, the tracking page and reminders in
views_tracking.py (same blueprint).
"""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ent_lite import rules
from ent_lite.accounts.forms import ROLE_LABELS
from ent_lite.accounts.models import Role
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.files.services import attachments_by_owner
from ent_lite.forms.services import form_panel
from ent_lite.notifications.views_counts import request_counts
from ent_lite.posts import home, photo_tags, services, signatures
from ent_lite.posts import views_compose, views_tracking  # noqa: F401  (their pages, on the same blueprint)
from ent_lite.posts.blueprint import attachments_of, bp, load_post, page_number
from ent_lite.posts.models import Post


@bp.app_template_global()
def role_label(role: str | None) -> str:
    """The translated name of a role, as shown next to a post's author."""
    return str(ROLE_LABELS.get(role, ""))


# "Sign for Awa and Léo" in the reader's language.
bp.add_app_template_global(signatures.names_list, "format_names")
# Two lines of a post's body as plain text, in the feed.
bp.add_app_template_filter(home.excerpt, "excerpt")

def _without_withheld_photos(posts, attachments: dict, now) -> tuple[dict, set[int]]:
    """Drop the photos of posts whose photos the reader may not see (rules.photos_withheld_from);
    also returns the posts that lost a photo, which show a neutral line instead."""
    with_photos = [p for p in posts if any(a.kind == "image" for a in attachments.get(("post", p.id), ()))]
    withheld = rules.photos_withheld_from(current_user, with_photos, now)  # no query without photos
    shown, hidden = dict(attachments), set()
    for post_id in withheld:
        files = shown.get(("post", post_id), [])
        kept = [a for a in files if a.kind != "image"]
        if len(kept) != len(files):
            shown[("post", post_id)] = kept
            hidden.add(post_id)
    return shown, hidden


@bp.get("/news")
def feed():
    counts = request_counts()  # the menu's counts: their reach and "To do" list serve the page too
    reach = counts.reach
    if reach.role != Role.GUARDIAN and reach.role not in rules.READING_STAFF:
        abort(404)
    now = counts.now
    page = page_number()
    is_guardian = reach.role == Role.GUARDIAN
    seen = home.narrowed(reach, request.args.get("child") if is_guardian else None)
    posts, has_next = services.feed_page(current_user, now, page, current_app.config["POSTS_PER_PAGE"], seen.reach)
    ids = [post.id for post in posts]
    read_ids = services.read_post_ids(current_user.id, ids) if is_guardian else set()
    stats = {} if is_guardian else services.read_stats_many(
        [post.id for post in posts if rules.can_see_read_stats(current_user, post, reach)]
    )
    children_by_post = {
        post.id: reach.children.children_for((a.kind, a.value) for a in post.audience) for post in posts
    }
    attachments, photos_hidden = _without_withheld_photos(posts, attachments_by_owner(post_ids=ids), now)
    return render_template(
        "posts/feed.html",
        posts=posts,
        now=now,
        page=page,
        has_next=has_next,
        is_guardian=is_guardian,
        to_do=seen.to_do(counts.to_do_items) if is_guardian else [],
        filters=home.child_filters(reach) if is_guardian else [],
        chosen=seen.public_id,
        unread={post.id for post in posts if post.id not in read_ids} if is_guardian else set(),
        children_by_post=children_by_post,
        audience_by_post={} if is_guardian else services.audience_names(posts),
        stats_by_post=stats,
        ack_by_post=signatures.feed_statuses(current_user, posts, children_by_post) if is_guardian else {},
        attachments=attachments,
        photos_hidden=photos_hidden,
        can_post=rules.may_post(current_user),
    )


@bp.get("/news/<public_id>")
def detail(public_id: str):
    now = utcnow()
    post = load_post(public_id)
    reach = rules.reach_of(current_user)
    if post is None or not rules.can_read_post(current_user, post, now, reach):
        abort(404)
    is_guardian = reach.role == Role.GUARDIAN
    if is_guardian:
        # Opening the post is the read receipt itself: idempotent, so a GET may record it.
        services.record_read(current_user, post, now)
        db.session.commit()
    children = reach.children.children_for((a.kind, a.value) for a in post.audience)
    can_delete = rules.can_delete_post(current_user, post, reach)
    attachments, photos_hidden = _without_withheld_photos(
        [post], {("post", post.id): attachments_of(post)}, now)
    return render_template(
        "posts/detail.html",
        post=post,
        now=now,
        is_guardian=is_guardian,
        children=children,
        audience=services.audience_names([post])[post.id] if not is_guardian else [],
        stats=services.read_stats(post) if rules.can_see_read_stats(current_user, post, reach) else None,
        signature=signatures.guardian_panel(current_user, post, children, now) if is_guardian else None,
        attachments=attachments[("post", post.id)],
        photos_hidden=post.id in photos_hidden,
        # The author, who alone still sees them, learns that nobody else does.
        photos_withheld=rules.keeps_withheld_photos(current_user, post) and any(a.kind == "image" for a in attachments[("post", post.id)])
        and bool(photo_tags.posts_with_withheld_photos([post.id], now)),
        panel=form_panel(current_user, post, now),
        may_reply=is_guardian and rules.can_reply_to_post(current_user, post, now, reach),
        can_edit=rules.can_edit_post(current_user, post),
        can_delete=can_delete,
        can_track=rules.can_track_post(current_user, post, reach),
        optional_families=_optional_families(post, reach),
    )


def _optional_families(post: Post, reach) -> int | None:
    """For those who see a post's statistics: how many households its optional city
    information reaches today (guardians who agreed); None for other posts and readers."""
    if not post.is_optional_info or not rules.can_see_read_stats(current_user, post, reach):
        return None
    return services.count_households([(a.kind, a.value) for a in post.audience], post.establishment.city_id,
                                     agreed_only=True)


@bp.route("/news/<public_id>/delete", methods=["GET", "POST"])
def delete(public_id: str):
    post = load_post(public_id)
    reach = rules.reach_of(current_user)
    if (post is None or not rules.can_delete_post(current_user, post, reach)
            or not rules.can_read_post(current_user, post, reach=reach)):
        abort(404)
    if request.method == "POST":
        services.delete_post(post, actor=current_user)
        db.session.commit()
        flash(_("The post is deleted."), "success")
        return redirect(url_for("posts.feed"))
    return render_template("posts/delete.html", post=post)
