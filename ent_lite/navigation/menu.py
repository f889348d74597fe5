"""Which sections each person sees, and which of them fit the one row a phone has room for.

Three primary sections at most, so that the row never wraps at 360 px; everything else sits
under "More" (a plain ``<details>``). Counts travel with their words ("3 unread") so that a
screen reader says what the number counts, while the row shows only the number.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l, ngettext

from ent_lite import rules
from ent_lite.absences import rules as absences
from ent_lite.accounts.models import Role
from ent_lite.activities import permissions as activities
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


def _sections(user, counts) -> tuple[list[Entry], list[Entry]]:
    """(primary, more): what a person opens every day, then the rest."""
    role = user.role
    primary: list[Entry] = []
    more: list[Entry] = []
    if rules.may_read_news(user):
        primary.append(Entry("posts.feed", _l("News"), _news_badges(counts)))
    if rules.may_use_messages(user):
        primary.append(Entry("conversations.inbox", _l("Messages"), _message_badges(counts)))
    if rules.may_post(user):
        primary.append(Entry("posts.compose", _l("Write")))
    if role == Role.GUARDIAN:
        primary.append(Entry("activities.for_family", _l("Activities")))
    # The family's week: the calendar for everyone who reads news; absences on both sides.
    if absences.may_declare(user):
        more.append(Entry("absences.mine", _l("Report an absence")))
    if absences.may_see_absences(user):
        more.append(Entry("absences.today", _l("Absences today")))
    if rules.may_read_news(user):
        more.append(Entry("agenda.calendar", _l("Calendar")))
    if rules.may_publish_events(user):
        more.append(Entry("agenda.manage", _l("Events I manage")))
    if periscolaire.may_keep_sites(user, counts.reach):  # the request's reach, not a second one
        more.append(Entry("periscolaire.sites", _l("Periscolaire")))
    if activities.may_manage_activities(user):
        more.append(Entry("activities.manage_list", _l("Manage activities")))
    if activities.may_see_indicator(user):
        more.append(Entry("activities.indicator", _l("One activity per child")))
    if role == Role.DPO:
        primary += [Entry("dpo.workspace", _l("Workspace"))]
        more += [Entry("privacy.processing_register", _l("Register of processing"))]
    if role == Role.ADMIN:
        primary += [Entry("admin.index", _l("Administration"))]
        more += [Entry("accounts.invite_staff", _l("Invite staff")),
                 Entry("privacy.retention_settings", _l("Retention periods")),
                 Entry("activities.brackets", _l("Family-quotient brackets"))]
    if role == Role.DIRECTOR:
        more += [Entry("school.activation_codes", _l("Activation codes")),
                 Entry("accounts.invite_staff", _l("Invite staff"))]
    if role == Role.GUARDIAN:
        more += [Entry("consents.index", _l("Consents")), Entry("rights.my_data", _l("My data"))]
    if role not in (Role.DPO, Role.ADMIN):
        more.append(Entry("notifications.preferences", _l("Notifications")))
    more.append(Entry("accounts.account", _l("My account")))
    return primary, more


def main_menu(user, counts) -> Menu:
    primary, more = _sections(user, counts)
    return Menu(tuple(primary[:PRIMARY_LIMIT]), tuple(primary[PRIMARY_LIMIT:] + more))
