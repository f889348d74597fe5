"""Publishing and withdrawing an activity, and its optional announcement to families.

Rules kept:
- an activity is published only with a price for every bracket of the city (brackets added
  after it was written must be priced first);
- the announcement is an ordinary post written by ``posts.services.create_post`` (same audience
  checks, same single notification outbox row), to audiences the author may post to;
- the audience offered by default is the narrowest that fits: the levels the activity is for
  when the author may address them, otherwise the author's narrowest audience;
- withdrawing hides the activity from the catalogue and removes every registration still
  active (waiting, requested, offered, confirmed), each family told; publishing it again shows
  it again, without those registrations.
Services flush, views commit.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from flask import current_app, url_for
from flask_babel import gettext as _

from ent_lite.activities import allocation, manage
from ent_lite.activities.models import Activity
from ent_lite.audience import keys as audience_keys
from ent_lite.extensions import db
from ent_lite.posts import services as post_services
from ent_lite.posts.models import Post
from ent_lite.rules import PostTarget

EXCERPT_LENGTH = 400
# Characters Markdown would read as formatting in a plain-text description.
_MARKDOWN = re.compile(r"([\\`*_\[\]()#+!<>|-])")


class NotPublishable(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def default_targets(activity: Activity, targets: Sequence[PostTarget]) -> list[PostTarget]:
    """The audience ticked at first: the activity's levels if the author reaches them, else the
    narrowest audience (``postable_targets`` lists the narrowest first)."""
    levels = set(activity.level_list)
    matching = [t for t in targets if t.kind == audience_keys.LEVEL and t.value in levels]
    if matching:
        return matching
    return list(targets[:1])


def public_url(activity: Activity) -> str:
    """The activity's public page, absolute (a post's links must be): BASE_URL + its path."""
    return current_app.config["BASE_URL"].rstrip("/") + url_for("activities.show", public_id=activity.public_id)


def _plain(text: str) -> str:
    return _MARKDOWN.sub(r"\\\1", text)


def announcement_text(activity: Activity) -> tuple[str, str]:
    """The post's title and body: the title, a short excerpt and the link to the page."""
    excerpt = " ".join(activity.description.split())
    if len(excerpt) > EXCERPT_LENGTH:
        excerpt = excerpt[:EXCERPT_LENGTH].rsplit(" ", 1)[0] + "…"
    title = _("New activity: %(title)s", title=activity.title)
    link = f"[{_plain(_('See the activity and register'))}]({public_url(activity)})"
    body = f"{_plain(excerpt)}\n\n{link}" if excerpt else link
    return title, body


def publish(activity: Activity, author, now: datetime,
            announce_to: Sequence[PostTarget] | None = None) -> Post | None:
    """Publish now, and post the announcement to ``announce_to`` when given (checked by the
    posts service: ``PermissionError`` for an audience the author may not use)."""
    missing = manage.missing_prices(activity)
    if missing:
        raise NotPublishable(_("Give a price for every bracket before publishing (missing: %(labels)s).",
                               labels=", ".join(b.label for b in missing)))
    activity.published_dt = now
    activity.withdrawn_dt = None
    activity.updated_dt = now
    post = None
    if announce_to:
        title, body = announcement_text(activity)
        post = post_services.create_post(author, title, body, list(announce_to), now)
    return post


def withdraw(activity: Activity, now: datetime, actor=None) -> int:
    """Hide the activity and cancel every registration still active (families are told, held
    places given back): a withdrawn activity holds nobody's place. Returns those removed."""
    activity.withdrawn_dt = now
    activity.updated_dt = now
    db.session.flush()  # the accept of an offer checks the withdrawal in the database
    return allocation.withdraw_all(activity, now, actor)
