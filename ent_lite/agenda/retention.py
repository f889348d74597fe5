"""How long calendar events are kept (``class_content``): with their school year, counted from
the end of the last day they cover, as posts are from their publication. The private calendar
feed lives as long as its account (``accounts``) and is deleted with it.

At the boundary, as everywhere: kept at the deletion instant, due from the instant after.

A stored audience rule detached from its deleted post (``audience.models``) lives as long as
an event still carries its ("rule", id) key, then goes: purged in the same run as the last
such event (``due_rules``, after ``due_events`` in the "class_content" purge), or
at once when the post had no date (``unused_rules``, from ``posts.services.delete_post``).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, cast, or_, select

from ent_lite.agenda.models import Event, EventAudience
from ent_lite.audience.keys import RULE
from ent_lite.audience.models import AudienceRule
from ent_lite.core.localtime import day_end_utc, last_day_ended_before
from ent_lite.posts.retention import due_posts
from ent_lite.privacy.registry import NOT_PERSONAL, classify_columns, purge_job
from ent_lite.privacy.retention import deletion_dt

# A private calendar address lives as long as its account (or until revoked).
classify_columns("agenda_event", {
    "class_content": "id public_id author_id title place published_dt created_dt updated_dt cancelled_dt",
    NOT_PERSONAL: "city_id establishment_id post_id category start_date start_time end_date end_time "
                  "weekly_until is_public document_id sequence",
})
classify_columns("agenda_event_audience", {
    NOT_PERSONAL: "id event_id kind value",
})
classify_columns("calendar_feed", {
    "accounts": "id user_id token_hash created_dt last_read_dt",
})


# After the posts (ent_lite.posts.retention), before the rules.
@purge_job("class_content", order=1)
def due_events(cutoff: datetime):
    last_day = Event.last_day_expr()
    return select(Event.id).where(last_day <= last_day_ended_before(cutoff))


def deletion_date(event: Event) -> datetime:
    return deletion_dt("class_content", day_end_utc(event.last_date))


def unused_rules(rule_ids=None, leaving_events=None, leaving_posts=None):
    """SELECT of the ids of the detached audience rules (their post deleted, or among
    ``leaving_posts``) that no event's audience names, not counting the events of
    ``leaving_events`` (both SELECTs of ids); among ``rule_ids`` when given."""
    used = select(EventAudience.id).where(EventAudience.kind == RULE,
                                          EventAudience.value == cast(AudienceRule.id, String(100)))
    if leaving_events is not None:
        used = used.where(EventAudience.event_id.not_in(leaving_events))
    detached = AudienceRule.post_id.is_(None)
    if leaving_posts is not None:
        detached = or_(detached, AudienceRule.post_id.in_(leaving_posts))
    query = select(AudienceRule.id).where(detached, ~used.exists())
    return query if rule_ids is None else query.where(AudienceRule.id.in_(sorted(rule_ids)))


@purge_job("class_content", order=2)
def due_rules(cutoff: datetime):
    """The rules the purge deletes: those whose post is gone or due once the events still
    using them are all due (the events' own retention decides). The same question before any
    deletion as after, so a dry run counts what the real run deletes."""
    return unused_rules(leaving_events=due_events(cutoff), leaving_posts=due_posts(cutoff))
