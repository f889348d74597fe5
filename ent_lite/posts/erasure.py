"""Erasure in class news: reads and signatures go; a child's photo tags go with the photos."""
from __future__ import annotations

from sqlalchemy import select

from ent_lite.erasure.helpers import counts, delete_attachments, delete_where, set_null
from ent_lite.erasure.signals import erasure_handler
from ent_lite.files.models import Attachment
from ent_lite.posts.models import Post, PostPhotoChild, PostRead, PostSignature


@erasure_handler("user", "post_read.user_id", "post_signature.user_id", "post.author_id")
def erase_guardian_news(user, **_) -> dict[str, int]:
    return counts(
        post_read=delete_where(PostRead, PostRead.user_id == user.id),
        post_signature=delete_where(PostSignature, PostSignature.user_id == user.id),
        # Posts are the school's; one written by this account stays, unsigned.
        post=set_null(Post.author_id, user.id),
    )


@erasure_handler("child", "post_signature.child_id", "post_photo_child.child_id")
def erase_child_news(child, **_) -> dict[str, int]:
    # The tag says the child is on the post's photos: without it the photos would no longer
    # wait for the child's consent, so the photos themselves go (the post's text stays).
    tagged = select(PostPhotoChild.post_id).where(PostPhotoChild.child_id == child.id)
    photos = delete_attachments(Attachment.post_id.in_(tagged), Attachment.kind == "image")
    return counts(
        post_signature=delete_where(PostSignature, PostSignature.child_id == child.id),
        post_photo_child=delete_where(PostPhotoChild, PostPhotoChild.child_id == child.id),
        **photos,
    )
