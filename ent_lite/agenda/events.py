"""Writing calendar events: standalone ones and the date attached to a post. Services flush;
the view commits.

Rules kept here (the forms say the same to people, these refuse what gets past them):
- a schedule is consistent (``schedule_problems``): the end never before the start, an end
  time only with a start time, a weekly repeat ending after the first day;
- every change a calendar app must pick up raises ``sequence`` and sets ``updated_dt``;
  cancelling sets ``cancelled_dt`` and keeps the row, so subscribed calendars show it
  cancelled (iCalendar STATUS:CANCELLED) instead of silently keeping a stale copy;
- only a city agent makes an event public, and only for all families;
- a post's event copies the post's audience, establishment and publication time, and its
  title; removing the date or deleting the post cancels it.
Each create, change and cancellation is audited (pseudonymous target, no content).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ent_lite.agenda.models import Event, EventAudience, EventCategory
from ent_lite.audience.keys import ALL, DISTRICT, LEVEL, Key
from ent_lite.audit.services import record
from ent_lite.extensions import db
from ent_lite.files.services import delete_attachment
from ent_lite.rules import PUBLIC_EVENT_KEYS, PostTarget, event_sender_ids, event_targets, may_mark_event_public
from ent_lite.school.models import Establishment

MAX_TITLE = 200
MAX_PLACE = 200

END_BEFORE_START = _l("The end must come after the start.")
END_TIME_ALONE = _l("Give a start time before an end time.")
REPEAT_BEFORE_START = _l("The last repeat must come after the first day.")
NOT_PUBLIC = _l("Only the city's services put an event in the public calendar, and only for all the "
                "families of the city.")


@dataclass(frozen=True)
class EventDetails:
    """What a person types for an event. Dates and times are local to the city."""

    title: str
    start_date: date
    start_time: time | None = None
    end_date: date | None = None
    end_time: time | None = None
    place: str = ""
    category: str = EventCategory.OTHER
    weekly_until: date | None = None
    is_public: bool = False
    # The event's PDF (a stored Attachment), or None for no document.
    document: object | None = None


def schedule_problems(start_date: date, start_time: time | None, end_date: date | None,
                      end_time: time | None, weekly_until: date | None) -> dict[str, object]:
    """{field name: message} of what is inconsistent in a schedule; empty when it holds."""
    problems: dict[str, object] = {}
    if end_time is not None and start_time is None:
        problems["end_time"] = END_TIME_ALONE
    elif end_date is not None and end_date < start_date:
        problems["end_date"] = END_BEFORE_START
    elif (end_time is not None and (end_date is None or end_date == start_date)
          and end_time <= start_time):
        problems["end_time"] = END_BEFORE_START
    if weekly_until is not None and weekly_until < start_date:
        problems["weekly_until"] = REPEAT_BEFORE_START
    return problems


def _checked(fields: EventDetails) -> EventDetails:
    if schedule_problems(fields.start_date, fields.start_time, fields.end_date, fields.end_time,
                         fields.weekly_until):
        raise ValueError("inconsistent event schedule")
    if fields.category not in EventCategory.ALL:
        raise ValueError("unknown event category")
    title = fields.title.strip()[:MAX_TITLE]
    if not title:
        raise ValueError("an event needs a title")
    # An end on the start day says nothing more: one-day events keep end_date empty.
    end_date = None if fields.end_date == fields.start_date else fields.end_date
    return replace(fields, title=title, place=fields.place.strip()[:MAX_PLACE], end_date=end_date)


def _key_of(target) -> Key:
    return target.key if isinstance(target, PostTarget) else (str(target[0]), str(target[1]))


def checked_targets(author, targets: Sequence[PostTarget | Key]) -> tuple[list[Key], int]:
    """The chosen keys and their one sender, among the author's event audiences."""
    allowed = {t.key: t for t in event_targets(author)}
    chosen = list(dict.fromkeys(_key_of(t) for t in targets))
    if not chosen:
        raise ValueError("an event needs at least one audience")
    if any(key not in allowed for key in chosen):
        raise PermissionError("the author may not send events to one of these audiences")
    senders = {allowed[key].establishment_id for key in chosen}
    if len(senders) != 1:
        raise ValueError("all audiences of an event are sent from one establishment")
    return chosen, senders.pop()


def keys_beyond(event: Event, offered: Sequence[PostTarget]) -> list[Key]:
    """The event's audience keys that are not among ``offered`` (an editor's event audiences)."""
    choosable = {t.key for t in offered}
    return [(a.kind, a.value) for a in event.audience if (a.kind, a.value) not in choosable]


def edited_keys(event: Event, editor, targets: Sequence[PostTarget | Key]) -> tuple[list[Key], int]:
    """The audience after an edit by ``editor``, whose reach may differ from the author's: the
    event's keys the editor cannot choose stay as they are (never dropped unseen), and what
    the editor chose must be among their own event audiences and, when such keys stay, be
    sent from the event's establishment (an event is sent from one)."""
    kept = keys_beyond(event, event_targets(editor))
    if not kept:
        chosen, establishment_id = checked_targets(editor, targets)
        return chosen, _kept_sender(event, editor, chosen, establishment_id)
    if not targets:
        return kept, event.establishment_id
    chosen, establishment_id = checked_targets(editor, targets)
    if establishment_id != event.establishment_id:
        raise ValueError("all audiences of an event are sent from one establishment")
    return list(dict.fromkeys(kept + chosen)), establishment_id


# Audiences that name no establishment: any of an agent's services may send to them.
CITY_WIDE_KINDS = frozenset({ALL, DISTRICT, LEVEL})


def _kept_sender(event: Event, editor, chosen: list[Key], establishment_id: int) -> int:
    """City-wide audiences are offered to an agent once, from their first service: an agent of
    several services editing another of their services' events keeps it that service's (its
    colleagues keep managing it) instead of moving it unseen."""
    if (establishment_id != event.establishment_id and event.establishment_id in event_sender_ids(editor)
            and all(kind in CITY_WIDE_KINDS for kind, _value in chosen)):
        return event.establishment_id
    return establishment_id


def _check_public(actor, fields: EventDetails, keys: list[Key]) -> None:
    if fields.is_public and not (may_mark_event_public(actor) and set(keys) == PUBLIC_EVENT_KEYS):
        raise PermissionError("only a city agent makes an event for all families public")


def _set_keys(event: Event, keys: list[Key]) -> None:
    # Keep the rows that stay, as posts do: one flush never deletes and re-adds a key.
    current = {(a.kind, a.value) for a in event.audience}
    event.audience = [a for a in event.audience if (a.kind, a.value) in keys] + [
        EventAudience(kind=kind, value=value) for kind, value in keys if (kind, value) not in current]


def _apply(event: Event, fields: EventDetails) -> None:
    event.title, event.category, event.place = fields.title, fields.category, fields.place
    event.start_date, event.start_time = fields.start_date, fields.start_time
    event.end_date, event.end_time = fields.end_date, fields.end_time
    event.weekly_until, event.is_public = fields.weekly_until, fields.is_public
    old = event.document
    event.document = fields.document
    if old is not None and old is not fields.document:
        delete_attachment(old)  # replaced or removed: nobody reads it any more


def _snapshot(event: Event) -> tuple:
    """What a subscribed calendar shows of an event: a change here is a new sequence."""
    return (event.title, event.category, event.place, event.start_date, event.start_time, event.end_date,
            event.end_time, event.weekly_until, event.is_public, event.document_id, event.published_dt,
            event.establishment_id, event.cancelled_dt, frozenset((a.kind, a.value) for a in event.audience))


def _changed(event: Event, before: tuple, now: datetime) -> bool:
    db.session.flush()
    if _snapshot(event) == before:
        return False
    event.sequence += 1
    event.updated_dt = now
    return True


def create_event(author, fields: EventDetails, targets: Sequence[PostTarget | Key], now: datetime,
                 post=None) -> Event:
    """A standalone event sent to ``targets`` (the author's ``event_targets``), or, with
    ``post``, the post's event (its audience and publication; see ``sync_post_event``)."""
    if post is not None:
        return sync_post_event(post, fields, now)
    fields = _checked(fields)
    keys, establishment_id = checked_targets(author, targets)
    _check_public(author, fields, keys)
    event = Event(city_id=db.session.get(Establishment, establishment_id).city_id, establishment_id=establishment_id, author_id=author.id,
                  published_dt=now, created_dt=now, updated_dt=now, sequence=0)
    _apply(event, fields)
    _set_keys(event, keys)
    db.session.add(event)
    db.session.flush()
    record("event.create", actor=author, target=event, now=now, details={"category": event.category})
    return event


def update_event(event: Event, fields: EventDetails, targets: Sequence[PostTarget | Key] | None, now: datetime,
                 actor=None) -> bool:
    """Change a standalone event (the caller checks ``may_change_event``); True when anything
    changed. ``targets`` None keeps the audience; otherwise they are checked against
    ``actor``'s event audiences (the author's when no actor is given), and the event's keys
    outside those stay (``edited_keys``)."""
    if event.is_cancelled:
        raise ValueError("a cancelled event does not change")
    actor = actor or event.author
    fields = _checked(fields)
    before = _snapshot(event)
    keys = [(a.kind, a.value) for a in event.audience]
    if targets is not None:
        keys, event.establishment_id = edited_keys(event, actor, targets)
    _check_public(actor, fields, keys)
    _apply(event, fields)
    _set_keys(event, keys)
    if not _changed(event, before, now):
        return False
    record("event.update", actor=actor, target=event, now=now)
    return True


def cancel_event(event: Event, actor, now: datetime) -> bool:
    """Cancel once (True); the row stays so calendars learn of it."""
    if event.is_cancelled:
        return False
    event.cancelled_dt = now
    event.sequence += 1
    event.updated_dt = now
    db.session.flush()
    record("event.cancel", actor=actor, target=event, now=now)
    return True


# --- the date of a post -------------------------------------------------------------------------

def event_of_post(post) -> Event | None:
    return db.session.scalar(select(Event).where(Event.post_id == post.id)) if post.id is not None else None


def _withdraw_unseen(event: Event, actor, now: datetime) -> bool:
    """Delete the date of a post still scheduled (True): no family's calendar has seen it, and
    a cancellation would show families, at the planned hour, an event they never received.
    (Its sender's staff saw it early in their own calendars; a copy they downloaded stays.)"""
    if event.published_dt is None or event.published_dt <= now:
        return False
    record("event.delete", actor=actor, target=event, now=now, details={"post": True})
    # Its audience rows by the ORM, not by ON DELETE CASCADE: SQLite does not enforce foreign
    # keys here, and a later event given the same id would inherit them.
    event.audience.clear()
    db.session.flush()
    db.session.delete(event)
    db.session.flush()
    return True


def sync_post_event(post, fields: EventDetails | None, now: datetime, actor=None) -> Event | None:
    """Make the post's event say what the post and its date say: created with the first date,
    changed with the post (sequence + 1 when a calendar would see a difference), cancelled when
    the date is removed (``fields`` None) or the post deleted (deleted instead while the post is
    still scheduled). The title is the post's.

    ``actor`` is who made the change, named in the audit log: the post's author by default,
    the director or site lead who deletes someone else's post otherwise."""
    actor = actor or post.author
    event = event_of_post(post)
    # Optional city information reaches only the families who agreed to it, a rule the
    # calendar does not apply: such a post carries no date (the form says so).
    if fields is None or post.is_optional_info:
        if event is not None and not _withdraw_unseen(event, actor, now):
            cancel_event(event, actor, now)
        return event
    fields = _checked(replace(fields, title=post.title, is_public=False, document=None))
    # Read before a new event joins the session: a lazy load would flush it half written.
    city_id = db.session.get(Establishment, post.establishment_id).city_id
    keys = [(a.kind, a.value) for a in post.audience]
    if event is None:
        event = Event(post_id=post.id, author_id=post.author_id, created_dt=now, updated_dt=now, sequence=0)
        before = None
    else:
        before = _snapshot(event)
    event.city_id = city_id
    event.establishment_id = post.establishment_id
    event.published_dt = post.published_dt
    event.cancelled_dt = None  # a date given again brings the event back, as a new sequence
    _apply(event, fields)
    _set_keys(event, keys)
    if before is None:
        db.session.add(event)
        db.session.flush()
        record("event.create", actor=actor, target=event, now=now, details={"post": True})
    elif _changed(event, before, now):
        record("event.update", actor=actor, target=event, now=now, details={"post": True})
    return event
