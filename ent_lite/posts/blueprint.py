"""The posts blueprint and what its three view modules share: loading a post, its files, the page asked."""
from __future__ import annotations

from flask import Blueprint, request
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ent_lite.extensions import db
from ent_lite.files.services import attachments_by_owner
from ent_lite.posts.models import Post

bp = Blueprint("posts", __name__, template_folder="templates")

MAX_PAGE = 10_000


def page_number() -> int:
    page = request.args.get("page", 1, type=int)
    return min(page, MAX_PAGE) if page and page > 0 else 1


def load_post(public_id: str) -> Post | None:
    return db.session.scalar(
        select(Post).where(Post.public_id == public_id)
        .options(joinedload(Post.author), joinedload(Post.establishment), selectinload(Post.audience))
    )


def attachments_of(post: Post) -> list:
    return attachments_by_owner(post_ids=[post.id]).get(("post", post.id), [])
