"""How long calendar events are kept (``class_content``): with their school year, counted from
the end of the last day they cover, as posts are from their publication. The private calendar
feed lives as long as its account (``accounts``) and is deleted with it.

At the boundary, as everywhere: kept at the deletion instant, due from the instant after.

A stored audience rule detached from its deleted post (``audience.models``) lives as long as
an event still carries its ("rule", id) key, then goes: purged in the same run as the last
such event (``due_rules``, after ``due_events`` in ``privacy.purge``'s "class_content"), or
at once when the post had no date (``unused_rules``, from ``posts.services.delete_post``).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, cast, func, select

from ent_lite.agenda.models import Event, EventAudience
from ent_lite.audience.keys import RULE
from ent_lite.audience.models import AudienceRule
from ent_lite.core.localtime import day_end_utc, last_day_ended_before
from ent_lite.privacy.retention import deletion_dt


def due_events(cutoff: datetime):
    last_day = Event.last_day_expr()
    return select(Event.id).where(last_day <= last_day_ended_before(cutoff))


def deletion_date(event: Event) -> datetime:
    return deletion_dt("class_content", day_end_utc(event.last_date))


def unused_rules(rule_ids=None):
    """SELECT of the ids of the detached audience rules (their post deleted) that no event's
    audience names; among ``rule_ids`` when given."""
    used = select(EventAudience.id).where(EventAudience.kind == RULE,
                                          EventAudience.value == cast(AudienceRule.id, String(100)))
    query = select(AudienceRule.id).where(AudienceRule.post_id.is_(None), ~used.exists())
    return query if rule_ids is None else query.where(AudienceRule.id.in_(sorted(rule_ids)))


def due_rules(cutoff: datetime):
    """The detached rules the purge deletes: due as soon as no event uses them, which the
    events' own retention decides (``due_events`` runs first, with the same cutoff)."""
    return unused_rules()
