"""The notification preferences form: a choice per category and channel, the digest's time and
day, quiet hours. Every message is translated; what was typed is shown again on error.

Urgent messages have no field at all: a forged POST naming them changes nothing.
"""
from __future__ import annotations

import re
from datetime import time

from babel.dates import get_day_names
from flask_babel import format_time, get_locale, lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectChoice, StringField
from wtforms.validators import AnyOf, ValidationError
from wtforms.widgets import TimeInput

from ent_lite.notifications import preferences
from ent_lite.notifications.models import Category, Channel, Mode, NotificationPreferences

MODE_LABELS = {
    Mode.IMMEDIATE: _l("Right away"),
    Mode.DAILY: _l("In the daily summary"),
    Mode.WEEKLY: _l("In the weekly summary"),
    Mode.OFF: _l("Never"),
}
CATEGORY_LABELS = {
    Category.NEWS: _l("News from the school, the after-school club and the city"),
    Category.TODO: _l("Things to sign or to answer"),
    Category.MESSAGES: _l("Messages written to you"),
}
CHANNEL_LABELS = {
    Channel.EMAIL: _l("By email"),
    Channel.PUSH: _l("On my phone (notifications)"),
}
MODE_FIELDS = [f"{category}_{channel}" for category in Category.CONFIGURABLE for channel in Channel.ALL]

# "18:00", "18h", "18 h 30", "7.30", "7": what people type when the browser shows a plain box.
_CLOCK = re.compile(r"^\s*(\d{1,2})\s*(?:[:hH.]\s*(\d{2})?)?\s*$")
_choose_one = _l("Choose one of the options.")


def parse_clock(text: str | None) -> int | None:
    """Minutes after midnight for a typed time of day, or None when it is not one."""
    match = _CLOCK.match(text or "")
    if match is None:
        return None
    hours, minutes = int(match.group(1)), int(match.group(2) or 0)
    if hours > 23 or minutes > 59:
        return None
    return hours * 60 + minutes


def clock_text(minute: int) -> str:
    """The value of a time input: always HH:MM, whatever the language."""
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _is_clock(form, field) -> None:
    if parse_clock(field.data) is None:
        raise ValidationError(_l("Enter a time of day such as 18:00."))


def _mode_field(channel: str) -> RadioField:
    return RadioField(CHANNEL_LABELS[channel], choices=[SelectChoice(m, MODE_LABELS[m]) for m in Mode.ALL],
                      validate_choice=False, validators=[AnyOf(Mode.ALL, message=_choose_one)])


def _day_number(value) -> int:
    """A forged day ("abc") becomes -1, refused with the field's own message, not WTForms'."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def _spoken(minute: int) -> str:
    hours, minutes = divmod(minute, 60)
    return format_time(time(hours, minutes), "short")


class PreferencesForm(FlaskForm):
    news_email = _mode_field(Channel.EMAIL)
    news_push = _mode_field(Channel.PUSH)
    todo_email = _mode_field(Channel.EMAIL)
    todo_push = _mode_field(Channel.PUSH)
    messages_email = _mode_field(Channel.EMAIL)
    messages_push = _mode_field(Channel.PUSH)
    digest_time = StringField(_l("Time of the summary"), widget=TimeInput(), validators=[_is_clock])
    weekly_day = RadioField(_l("Day of the weekly summary"), coerce=_day_number, validate_choice=False,
                            validators=[AnyOf(range(7), message=_choose_one)])
    quiet_start = StringField(_l("Quiet from"), widget=TimeInput(), validators=[_is_clock])
    quiet_end = StringField(_l("Until"), widget=TimeInput(), validators=[_is_clock])
    quiet_weekends = BooleanField(_l("Quiet all weekend too (Saturday and Sunday)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        days = get_day_names("wide", locale=get_locale())
        self.weekly_day.choices = [SelectChoice(n, days[n][:1].upper() + days[n][1:]) for n in range(7)]

    @classmethod
    def from_preferences(cls, prefs: NotificationPreferences) -> PreferencesForm:
        data = {name: getattr(prefs, name) for name in MODE_FIELDS}
        return cls(formdata=None, data={
            **data, "digest_time": clock_text(prefs.digest_minute), "weekly_day": prefs.weekly_day,
            "quiet_start": clock_text(prefs.quiet_start_minute), "quiet_end": clock_text(prefs.quiet_end_minute),
            "quiet_weekends": prefs.quiet_weekends,
        })

    def choices(self) -> dict:
        """The validated choices, as ``preferences.save`` takes them."""
        return {
            **{name: getattr(self, name).data for name in MODE_FIELDS},
            "digest_minute": parse_clock(self.digest_time.data), "weekly_day": self.weekly_day.data,
            "quiet_start_minute": parse_clock(self.quiet_start.data),
            "quiet_end_minute": parse_clock(self.quiet_end.data), "quiet_weekends": bool(self.quiet_weekends.data),
        }

    def validate(self, extra_validators=None) -> bool:
        """Field by field, then the hours together: a choice that would never be sent is refused."""
        if not super().validate(extra_validators):
            return False
        choices = self.choices()
        for name, problem in preferences.timing_problems(choices).items():
            field = getattr(self, {"digest_minute": "digest_time", "quiet_end_minute": "quiet_end"}.get(name, name))
            field.errors.append(_timing_message(problem, choices))
        return not any(field.errors for field in self)


def _timing_message(problem: str, choices: dict) -> str:
    start, end = _spoken(choices["quiet_start_minute"]), _spoken(choices["quiet_end_minute"])
    if problem == preferences.QUIET_START_IS_END:
        return str(_l("Quiet hours must end at another time than they start."))
    if problem == preferences.DIGEST_IN_QUIET_HOURS:
        return str(_l("At %(time)s you are in your quiet hours (%(start)s to %(end)s), so your summary would "
                      "never be sent. Choose a time outside them.", time=_spoken(choices["digest_minute"]),
                      start=start, end=end))
    return str(_l("Your weekend is quiet, so a weekly summary on that day would never be sent. Choose a day "
                  "from Monday to Friday, or untick the quiet weekend."))
