"""Class news: the feed, one post, and writing a post. Every access goes through audience.rules."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ent_lite.accounts.forms import ROLE_LABELS
from ent_lite.accounts.models import Role
from ent_lite.audience import rules
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.posts import services
from ent_lite.posts.forms import PostForm
from ent_lite.posts.models import Post

bp = Blueprint("posts", __name__, template_folder="templates")


@bp.app_template_global()
def role_label(role: str | None) -> str:
    """The translated name of a role, as shown next to a post's author."""
    return str(ROLE_LABELS.get(role, ""))


MAX_PAGE = 10_000


def _page_number() -> int:
    page = request.args.get("page", 1, type=int)
    return min(page, MAX_PAGE) if page and page > 0 else 1


@bp.get("/news")
def feed():
    reach = rules.reach_of(current_user)
    if reach.role != Role.GUARDIAN and reach.role not in rules.READING_STAFF:
        abort(404)
    page = _page_number()
    posts, has_next = services.feed_page(current_user, utcnow(), page, current_app.config["POSTS_PER_PAGE"], reach)
    ids = [post.id for post in posts]
    is_guardian = reach.role == Role.GUARDIAN
    read_ids = services.read_post_ids(current_user.id, ids) if is_guardian else set()
    stats = {} if is_guardian else services.read_stats_many(
        [post.id for post in posts if rules.can_see_read_stats(current_user, post, reach)]
    )
    return render_template(
        "posts/feed.html",
        posts=posts,
        page=page,
        has_next=has_next,
        is_guardian=is_guardian,
        unread={post.id for post in posts if post.id not in read_ids} if is_guardian else set(),
        children_by_post={post.id: reach.children.children_for((a.kind, a.value) for a in post.audience) for post in posts},
        audience_by_post={} if is_guardian else services.audience_names(posts),
        stats_by_post=stats,
        can_post=rules.may_post(current_user),
    )


@bp.get("/news/<public_id>")
def detail(public_id: str):
    now = utcnow()
    post = db.session.scalar(
        select(Post).where(Post.public_id == public_id)
        .options(joinedload(Post.author), joinedload(Post.establishment), selectinload(Post.audience))
    )
    reach = rules.reach_of(current_user)
    if post is None or not rules.can_read_post(current_user, post, now, reach):
        abort(404)
    if reach.role == Role.GUARDIAN:
        # Opening the post is the read receipt itself: idempotent, so a GET may record it.
        services.record_read(current_user, post, now)
        db.session.commit()
    return render_template(
        "posts/detail.html",
        post=post,
        children=reach.children.children_for((a.kind, a.value) for a in post.audience),
        audience=services.audience_names([post])[post.id] if reach.role != Role.GUARDIAN else [],
        stats=services.read_stats(post) if rules.can_see_read_stats(current_user, post, reach) else None,
    )


@bp.route("/news/new", methods=["GET", "POST"])
def compose():
    if not rules.may_post(current_user):
        abort(404)
    targets = rules.postable_targets(current_user)
    form = PostForm()
    form.offer(targets)
    if request.method == "GET" and len(targets) == 1:
        # The narrowest audience by default (PRIVACY.md 19): only when there is no choice.
        form.targets.data = [targets[0].token]
    if targets and form.validate_on_submit():
        chosen = form.chosen_targets()
        post = services.create_post(current_user, form.title.data, form.body.data, chosen, utcnow())
        db.session.commit()
        families = services.count_recipient_families(chosen)
        flash(ngettext("Published to %(num)d family.", "Published to %(num)d families.", families), "success")
        return redirect(url_for("posts.detail", public_id=post.public_id))
    return render_template("posts/compose.html", form=form, has_targets=bool(targets))
