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
from ent_lite.core.commits import commit_keeping_loaded
from ent_lite.extensions import db
from ent_lite.notifications.views_counts import request_counts
from ent_lite.posts import home, reading, services, signatures
from ent_lite.posts import views_compose, views_tracking  # noqa: F401  (their pages, on the same blueprint)
from ent_lite.posts.blueprint import attachments_of, bp, load_post, page_number


@bp.app_template_global()
def role_label(role: str | None) -> str:
    """The translated name of a role, as shown next to a post's author."""
    return str(ROLE_LABELS.get(role, ""))


# "Sign for Awa and Léo" in the reader's language.
bp.add_app_template_global(signatures.names_list, "format_names")
# Two lines of a post's body as plain text, in the feed.
bp.add_app_template_filter(home.excerpt, "excerpt")

@bp.get("/news")
def feed():
    if not rules.may_read_news(current_user):
        abort(404)
    shown = reading.feed(current_user, request_counts(), request.args.get("child"), page_number(),
                         current_app.config["POSTS_PER_PAGE"])
    return render_template("posts/feed.html", **shown.context())


@bp.get("/news/<public_id>")
def detail(public_id: str):
    counts = request_counts()  # the menu's reach and time: the post's checks reuse its SELECTs
    now, reach = counts.now, counts.reach
    post = load_post(public_id)
    if post is None or not rules.can_read_post(current_user, post, now, reach):
        abort(404)
    if rules.reads_as_family(current_user):
        # Opening the post is the read receipt itself: idempotent, so a GET may record it.
        services.record_read(current_user, post, now)
        commit_keeping_loaded()  # committed before the menu counts what is still unread
    shown = reading.post_page(current_user, post, now, reach, attachments_of(post))
    return render_template("posts/detail.html", **shown.context())


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
