"""The words a family reads about an activity: category, who it is for, places, brackets.

One place for them, so the catalogue, the activity's page and the family's list say the same
thing. Numbers say what they count ("3 places libres"); nothing here names a person.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from ent_lite.activities.models import Activity, ActivityCategory, QuotientBracket, RegistrationStatus
from ent_lite.activities.money import format_euros

CATEGORY_LABELS = {
    ActivityCategory.SPORT: _l("Sport"),
    ActivityCategory.CULTURE: _l("Culture"),
    ActivityCategory.NATURE: _l("Nature"),
    ActivityCategory.CIVIC: _l("Citizenship"),
    ActivityCategory.HOLIDAY_STAY: _l("Holiday stay"),
    ActivityCategory.OTHER: _l("Other"),
}



def category_label(category: str) -> str:
    return str(CATEGORY_LABELS.get(category, CATEGORY_LABELS[ActivityCategory.OTHER]))


def ages_text(activity: Activity) -> str:
    low, high = activity.min_age, activity.max_age
    if low is not None and high is not None:
        return _("%(low)d to %(high)d years old", low=low, high=high)
    if low is not None:
        return _("from %(low)d years old", low=low)
    if high is not None:
        return _("up to %(high)d years old", high=high)
    return ""


def audience_text(activity: Activity) -> str:
    """"6 à 11 ans · CP, CE1", or "Tous les enfants" when neither age nor level is set."""
    parts = [part for part in (ages_text(activity), ", ".join(activity.level_list)) if part]
    return " · ".join(parts) if parts else _("All children")


def places_text(activity: Activity) -> str:
    """"3 places libres", "Complet — liste d'attente", or "Tirage au sort" for a lottery."""
    if activity.is_lottery:
        return _("Lottery")
    if activity.free_places == 0:
        return _("Full — waiting list")
    return ngettext("%(num)d place left", "%(num)d places left", activity.free_places)


def bracket_bounds_text(bracket: QuotientBracket) -> str:
    """"jusqu'à 600 €", "de 601 € à 1 200 €", "à partir de 1 201 €" (monthly family quotient)."""
    low, high = bracket.min_quotient, bracket.max_quotient
    if low is not None and high is not None:
        return _("%(low)s to %(high)s a month", low=format_euros(low), high=format_euros(high))
    if high is not None:
        return _("up to %(high)s a month", high=format_euros(high))
    if low is not None:
        return _("%(low)s a month or more", low=format_euros(low))
    return _("any family quotient")


def window_state(activity: Activity, now: datetime) -> str:
    """"open", "soon" (not open yet), "closed" or "none" (no window set)."""
    opens, closes = activity.window()
    if opens is None or closes is None:
        return "none"
    if now < opens:
        return "soon"
    return "open" if now < closes else "closed"


def status_text(status: str, position: int | None = None) -> str:
    """The status as the family reads it ("Place confirmed", "Waiting list: 2nd")."""
    if status == RegistrationStatus.WAITING:
        if position == 1:
            return _("Waiting list: first")
        return _("Waiting list: position %(num)d", num=position or 0)
    words = {
        RegistrationStatus.REQUESTED: _("Request made, waiting for the draw"),
        RegistrationStatus.CONFIRMED: _("Place confirmed"),
        RegistrationStatus.OFFERED: _("A place is offered to you"),
        RegistrationStatus.CANCELLED: _("Cancelled"),
        RegistrationStatus.DECLINED: _("Offer declined"),
        RegistrationStatus.EXPIRED: _("Offer expired"),
        RegistrationStatus.REMOVED: _("Removed by the organiser"),
        RegistrationStatus.NOT_PLACED: _("Not placed: a place on another stay was kept"),
    }
    return words.get(status, status)
