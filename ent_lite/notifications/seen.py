"""What a person has already seen or done in the app, for a whole batch of sends at once.

A digest leaves out what was read meanwhile (issue: "an item already read in the app before
its digest goes out is left out"). One query per kind of fact, whatever the batch holds:
posts opened, threads opened, preferences as they are now, and one per post reminded (who
still has a signature to give).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ent_lite.accounts.models import User
from ent_lite.conversations.models import ThreadRead
from ent_lite.extensions import db
from ent_lite.notifications.models import Category, EventKind, Mode, NotificationPreferences
from ent_lite.notifications.preferences import defaults
from ent_lite.posts.models import Post, PostRead
from ent_lite.posts.tracking import reminder_recipients


@dataclass
class Seen:
    read_posts: set[tuple[int, int]]                  # (user id, post id) opened
    thread_reads: dict[tuple[int, int], datetime]     # (user id, thread id): last opened
    still_to_sign: dict[int, set[int]]                # post id: the people who still have to sign
    preferences: dict[int, NotificationPreferences]   # stored rows; the others have the defaults


def seen_in_app(user_ids: set[int], post_ids: set[int], thread_ids: set[int], reminded: set[int]) -> Seen:
    preferences = {p.user_id: p for p in db.session.scalars(
        select(NotificationPreferences).where(NotificationPreferences.user_id.in_(user_ids)))} if user_ids else {}
    return Seen(_read_posts(user_ids, post_ids), _thread_reads(user_ids, thread_ids),
                {post_id: _still_to_sign(post_id, user_ids) for post_id in reminded}, preferences)


def worth_telling(item, about, user_id: int, channel: str, seen: Seen) -> bool:
    """Left out: a post opened; a message in a thread opened since it was written, or withdrawn;
    a signature reminder once nothing is left to sign (an activity's change is always told); a category turned off for this channel
    since the item was planned (an unsubscribe applies to tonight's digest). Urgent stays."""
    if about is None:
        return False
    prefs = seen.preferences.get(user_id) or defaults(user_id)
    if item.category != Category.URGENT and prefs.mode(item.category, channel) == Mode.OFF:
        return False
    kind = item.event.kind
    if kind == EventKind.ACTIVITY:  # a change of status is news until told
        return True
    if kind == EventKind.REMINDER:
        return user_id in seen.still_to_sign.get(about.post_id, ())
    if kind == EventKind.POST:
        return (user_id, about.post_id) not in seen.read_posts
    if about.withdrawn:
        return False
    last_read = seen.thread_reads.get((user_id, about.thread_id))
    return last_read is None or last_read < about.message_dt


def _read_posts(user_ids: set[int], post_ids: set[int]) -> set[tuple[int, int]]:
    if not user_ids or not post_ids:
        return set()
    return {(user_id, post_id) for user_id, post_id in db.session.execute(
        select(PostRead.user_id, PostRead.post_id)
        .where(PostRead.user_id.in_(user_ids), PostRead.post_id.in_(post_ids)))}


def _thread_reads(user_ids: set[int], thread_ids: set[int]) -> dict[tuple[int, int], datetime]:
    if not user_ids or not thread_ids:
        return {}
    return {(user_id, thread_id): last_read for user_id, thread_id, last_read in db.session.execute(
        select(ThreadRead.user_id, ThreadRead.thread_id, ThreadRead.last_read_dt)
        .where(ThreadRead.user_id.in_(user_ids), ThreadRead.thread_id.in_(thread_ids)))}


def _still_to_sign(post_id: int, user_ids: set[int]) -> set[int]:
    """Which of these people still have a signature to give for the post (the reminder's rule)."""
    post = db.session.get(Post, post_id)
    if post is None or not post.requires_ack:
        return set()
    return set(db.session.scalars(
        reminder_recipients(post).with_only_columns(User.id).where(User.id.in_(user_ids))))
