"""Files: who may read an attachment, and whose photos are withheld from whom.

A file is readable exactly when what it is attached to is: the post (scheduled, expired or
foreign posts included, through can_read_post) or the message's thread. A withdrawn
message's files are served to nobody. A file linked to nothing yet (an upload whose form
was not saved) is only its uploader's.
The photos of a post tagging a child who lacks (or has withdrawn) the consent its audience
needs are withheld from everyone but the staff member who posted them (PRIVACY.md A.5): the
director who may delete the post and the class's other teachers no longer see them either.
"""
from __future__ import annotations

from datetime import datetime

from ent_lite.accounts.models import Role
from ent_lite.conversations.models import Message
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.posts import photo_tags
from ent_lite.posts.models import Post
from ent_lite.rules.conversations import can_read_thread
from ent_lite.rules.posts import can_edit_post, can_read_post
from ent_lite.rules.reach import Reach


def keeps_withheld_photos(user, post: Post) -> bool:
    """Only the author still sees the photos the families no longer see (to fix or delete them)."""
    return can_edit_post(user, post)


def photos_withheld_from(user, posts, now: datetime | None = None) -> set[int]:
    """Ids of the posts (among these) whose photos this user must not see; fixed query count."""
    posts = list(posts)
    if not posts:
        return set()
    # A post known to tag nobody (has_photo_tags loaded and false) needs no consent query.
    others = [post.id for post in posts
              if post.has_photo_tags is not False and not keeps_withheld_photos(user, post)]
    return photo_tags.posts_with_withheld_photos(others, now or utcnow()) if others else set()


# Features whose rows own files besides posts and messages (a calendar event's document)
# register a check here: (user, attachment, now, reach) -> True/False when the file is theirs,
# None when it is not. This module cannot import them: they build on it.
ATTACHMENT_OWNERS: list = []


def attachment_owner(check):
    """Decorator: register a feature's rule for the files it owns."""
    ATTACHMENT_OWNERS.append(check)
    return check


def can_read_attachment(user, attachment, now: datetime | None = None, reach: Reach | None = None) -> bool:
    if not getattr(user, "is_authenticated", False) or user.role not in Role.ALL:
        return False
    if attachment.post_id is not None:
        post = db.session.get(Post, attachment.post_id)
        if post is None or not can_read_post(user, post, now, reach):
            return False
        return attachment.kind != "image" or not photos_withheld_from(user, [post], now)
    message_id = getattr(attachment, "message_id", None)
    if message_id is not None:
        message = db.session.get(Message, message_id)
        if message is None or message.withdrawn_dt is not None:
            return False
        return can_read_thread(user, message.thread)
    for owner_check in ATTACHMENT_OWNERS:
        verdict = owner_check(user, attachment, now, reach)
        if verdict is not None:
            return verdict
    return attachment.uploader_id is not None and attachment.uploader_id == user.id

