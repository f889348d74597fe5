"""Which sections each person sees, and which of them fit the one row a phone has room for.

Three primary sections at most, so that the row never wraps at 360 px; everything else sits
under "More" (a plain ``<details>``). Counts travel with their words ("3 unread") so that a
screen reader says what the number counts, while the row shows only the number.

Each section is shown exactly when its page lets the person in: it asks the rule the page
itself asks (``rules.may_read_news`` for the feed...), or, for a page behind
``roles_required``, that page's own gate (``role_gate_opens``). So the menu never offers a
page that answers 404, nor hides one that opens (tests/test_navigation.py).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l, ngettext

from ent_lite import rules
from ent_lite.activities import permissions as activities
from ent_lite.core.auth import role_gate_opens
from ent_lite.periscolaire import services as periscolaire

PRIMARY_LIMIT = 3


@dataclass(frozen=True)
class Badge:
    number: int
    words: str  # what the number counts, read aloud: "3 unread"
    urgent: bool = False


@dataclass(frozen=True)
class Entry:
    endpoint: str
    label: str
    badges: tuple[Badge, ...] = ()


@dataclass(frozen=True)
class Menu:
    primary: tuple[Entry, ...]
    more: tuple[Entry, ...]


def _news_badges(counts) -> tuple[Badge, ...]:
    badges = []
    if counts.to_do.total:
        n = counts.to_do.total
        badges.append(Badge(n, ngettext("%(num)d to do", "%(num)d to do", n), urgent=True))
    if counts.news:
        badges.append(Badge(counts.news, ngettext("%(num)d unread", "%(num)d unread", counts.news)))
    return tuple(badges)


def _message_badges(counts) -> tuple[Badge, ...]:
    n = counts.messages
    if not n:
        return ()
    return (Badge(n, ngettext("%(num)d conversation with new messages",
                              "%(num)d conversations with new messages", n)),)


def _page_gate(endpoint: str) -> Callable:
    """The section of a page behind ``roles_required``: shown to the roles its gate lets in."""
    return lambda user, counts: role_gate_opens(user, endpoint)


def _asks(rule: Callable) -> Callable:
    """The section of a page that asks ``rule(user)`` itself."""
    return lambda user, counts: rule(user)


@dataclass(frozen=True)
class Section:
    endpoint: str
    label: str
    shown: Callable  # (user, counts) -> bool: the rule the page itself asks
    primary: bool = False  # opened every day: in the row when there is room
    badges: Callable | None = None  # counts -> tuple[Badge, ...]


def _gated(endpoint: str, label: str, primary: bool = False) -> Section:
    return Section(endpoint, label, _page_gate(endpoint), primary)


# In the order shown; the primary ones first in the row, the others under "More".
SECTIONS = (
    Section("posts.feed", _l("News"), _asks(rules.may_read_news), True, _news_badges),
    Section("conversations.inbox", _l("Messages"), _asks(rules.may_use_messages), True, _message_badges),
    Section("posts.compose", _l("Write"), _asks(rules.may_post), True),
    _gated("activities.for_family", _l("Activities"), primary=True),
    _gated("dpo.workspace", _l("Workspace"), primary=True),
    _gated("admin.index", _l("Administration"), primary=True),
    # The family's week: the calendar for everyone who reads news; absences on both sides.
    _gated("absences.mine", _l("Report an absence")),
    _gated("absences.today", _l("Absences today")),
    Section("agenda.calendar", _l("Calendar"), _asks(rules.may_read_news)),
    Section("agenda.manage", _l("Events I manage"), _asks(rules.may_publish_events)),
    Section("periscolaire.sites", _l("Periscolaire"),
            lambda user, counts: periscolaire.may_keep_sites(user, counts.reach)),  # the request's reach
    Section("activities.manage_list", _l("Manage activities"), _asks(activities.may_manage_activities)),
    Section("activities.indicator", _l("One activity per child"), _asks(activities.may_see_indicator)),
    _gated("privacy.processing_register", _l("Register of processing")),
    _gated("school.activation_codes", _l("Activation codes")),
    _gated("accounts.invite_staff", _l("Invite staff")),
    _gated("privacy.retention_settings", _l("Retention periods")),
    _gated("activities.brackets", _l("Family-quotient brackets")),
    _gated("consents.index", _l("Consents")),
    _gated("rights.my_data", _l("My data")),
    Section("notifications.preferences", _l("Notifications"), _asks(rules.receives_notifications)),
    Section("accounts.account", _l("My account"), lambda user, counts: True),  # every signed-in person
)


def _sections(user, counts) -> tuple[list[Entry], list[Entry]]:
    """(primary, more): what a person opens every day, then the rest."""
    primary: list[Entry] = []
    more: list[Entry] = []
    for section in SECTIONS:
        if section.shown(user, counts):
            entry = Entry(section.endpoint, section.label, section.badges(counts) if section.badges else ())
            (primary if section.primary else more).append(entry)
    return primary, more


def main_menu(user, counts) -> Menu:
    primary, more = _sections(user, counts)
    return Menu(tuple(primary[:PRIMARY_LIMIT]), tuple(primary[PRIMARY_LIMIT:] + more))
