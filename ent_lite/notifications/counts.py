"""What waits for a person in the app: the numbers next to the navigation's sections.

- news: live posts a guardian may read and has not opened (posts of the last
  ``NEWS_WINDOW`` only, so the count is one bounded aggregate query);
- messages: conversations with messages the person has not seen (guardians and staff);
- forms to answer, signatures to give: for a guardian, on posts they may read whose
  deadline has not passed, for the children they may answer or sign for; together they
  make the "to do" count, the length of the family home's "To do" list (``todo``).
  Each clears as soon as the person reads, signs or answers.

Staff have no read receipts (PostRead records guardians' reads only), so their news count
is not shown; they see their messages. Every function is a plain function of the person and
``now``; ``NavCounts`` computes each number once per request, only when a page shows it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from sqlalchemy import func, select

from ent_lite import rules
from ent_lite.accounts.models import Role
from ent_lite.conversations.services import unread_thread_count
from ent_lite.extensions import db
from ent_lite.notifications import todo
from ent_lite.notifications.todo import NEWS_WINDOW
from ent_lite.posts.models import Post, PostRead


def unread_news_count(user, now: datetime, reach: rules.Reach | None = None, visible=None) -> int:
    """Live posts of the last ``NEWS_WINDOW`` the guardian may read and has not opened (one query);
    0 for anyone else. ``visible``: ``rules.visible_posts`` for this user and moment, if built."""
    if user.role != Role.GUARDIAN:
        return 0
    if visible is None:
        visible = rules.visible_posts(user, now, reach or rules.reach_of(user))
    opened = select(PostRead.id).where(PostRead.post_id == Post.id, PostRead.user_id == user.id).exists()
    query = (visible
             .where(Post.published_dt >= now - NEWS_WINDOW, ~opened))
    return db.session.scalar(query.with_only_columns(func.count(Post.id))) or 0


@dataclass(frozen=True)
class ToDo:
    """A guardian's posts still waiting for their signature, and forms waiting for an answer."""

    signatures: int = 0
    forms: int = 0

    @property
    def total(self) -> int:
        return self.signatures + self.forms

    @classmethod
    def of(cls, found: list[todo.Item]) -> ToDo:
        signatures = sum(1 for item in found if item.kind == todo.SIGNATURE)
        return cls(signatures=signatures, forms=len(found) - signatures)


def to_do(user, now: datetime, reach: rules.Reach | None = None) -> ToDo:
    """How many things the guardian still has to sign or answer: the family home's "To do"
    list counted (``todo.items``, where the rules are), so the menu and the list agree."""
    return ToDo.of(todo.items(user, now, reach))


class NavCounts:
    """The navigation's numbers for one request, each computed the first time a page asks."""

    def __init__(self, user, now: datetime):
        self.user, self.now = user, now

    @cached_property
    def reach(self) -> rules.Reach:
        return rules.reach_of(self.user)

    @cached_property
    def visible(self):
        """The posts the person may read now, as a SELECT built once for the menu's numbers
        (building it costs more than running the counts)."""
        return rules.visible_posts(self.user, self.now, self.reach)

    @cached_property
    def news(self) -> int:
        return unread_news_count(self.user, self.now, self.reach, self.visible)

    @cached_property
    def messages(self) -> int:
        return unread_thread_count(self.user)

    @cached_property
    def to_do_items(self) -> list[todo.Item]:
        """The family home lists these; the menu counts them (one computation per request)."""
        return todo.items(self.user, self.now, self.reach, self.visible)

    @cached_property
    def to_do(self) -> ToDo:
        return ToDo.of(self.to_do_items)
