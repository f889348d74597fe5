"""The forms of calendar events: a standalone event, and the date a post may carry.

Both check a schedule with the one rule of ``agenda.events.schedule_problems``, each message
next to the field it is about. Dates go through NearToday like every date field.
"""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, RadioField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ent_lite.agenda.events import MAX_PLACE, MAX_TITLE, NOT_PUBLIC, EventDetails, event_of_post, schedule_problems
from ent_lite.agenda.models import EventCategory
from ent_lite.core.localtime import BAD_DATE, DATE_FORMATS, NearToday, optional_date, optional_time
from ent_lite.posts.audience_choice import short_choices, resolve, scope_of
from ent_lite.rules import PUBLIC_EVENT_KEYS

CATEGORY_LABELS = {
    EventCategory.CLOSURE: _l("Closure"),
    EventCategory.STRIKE: _l("Strike"),
    EventCategory.HOLIDAY: _l("Holidays or public holiday"),
    EventCategory.MEETING: _l("Meeting"),
    EventCategory.MENU: _l("Menu"),
    EventCategory.OUTING: _l("Outing"),
    EventCategory.OTHER: _l("Other"),
}
NO_DATE = _l("Give the day of the event, or leave its other fields empty.")
NO_DATE_FOR_OPTIONAL = _l("Optional city information cannot add a date to the calendar: untick "
                          "\"Optional city information\" or remove the date.")


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class _Schedule:
    """One message per field of the schedule; ``_schedule_names`` maps the rule's names to ours."""

    _schedule_names = {"start_date": "start_date", "start_time": "start_time", "end_date": "end_date",
                       "end_time": "end_time", "weekly_until": "weekly_until"}

    def _schedule_value(self, name):
        field_name = self._schedule_names.get(name)
        return self[field_name].data if field_name and field_name in self else None

    def _schedule_check(self, name: str) -> None:
        start = self._schedule_value("start_date")
        if start is None or self[self._schedule_names["start_date"]].errors:
            return
        problems = schedule_problems(start, *(self._schedule_value(n) for n in
                                              ("start_time", "end_date", "end_time", "weekly_until")))
        if name in problems:
            raise ValidationError(str(problems[name]))


def _date_or_nothing(form, field) -> None:
    """No day at all is no date, unless the other fields of the date were filled in."""
    if field.raw_data and str(field.raw_data[0]).strip():
        return
    field.errors[:] = []
    if form._has_event_input():
        raise StopValidation(str(NO_DATE))
    raise StopValidation()


class EventFields(_Schedule):
    """"Add a date to the calendar" on the post's compose and edit pages (a form mixin)."""

    _schedule_names = {"start_date": "event_date", "start_time": "event_time", "end_date": "event_end_date",
                       "end_time": "event_end_time"}

    event_date = DateField(_l("Day"), validators=[_date_or_nothing, NearToday()], format=DATE_FORMATS,
                           invalid_value_message=BAD_DATE)
    event_time = optional_time(_l("Start time"))
    event_end_date = optional_date(_l("Last day"))
    event_end_time = optional_time(_l("End time"))
    event_place = StringField(_l("Place"), filters=[_strip],
                              validators=[Length(max=MAX_PLACE, message=_l("At most %(max)d characters."))])

    def _has_event_input(self) -> bool:
        return any(self[name].data for name in ("event_time", "event_end_date", "event_end_time", "event_place"))

    def validate_event_date(self, field) -> None:
        if getattr(self, "is_optional_info", False):
            raise ValidationError(str(NO_DATE_FOR_OPTIONAL))

    def validate_event_end_date(self, field) -> None:
        self._schedule_check("end_date")

    def validate_event_end_time(self, field) -> None:
        self._schedule_check("end_time")

    @property
    def event_open(self) -> bool:
        """Whether the page shows the part open: a date given, or something to correct."""
        return bool(self.event_date.data or self._has_event_input()
                    or any(self[n].errors for n in ("event_date", "event_time", "event_end_date",
                                                    "event_end_time", "event_place")))

    def event_details(self) -> EventDetails | None:
        """The date to sync with the post (``agenda.events.sync_post_event``); None: no date."""
        if self.event_date.data is None:
            return None
        return EventDetails(title="", start_date=self.event_date.data, start_time=self.event_time.data,
                            end_date=self.event_end_date.data, end_time=self.event_end_time.data,
                            place=self.event_place.data or "")


def event_prefill(post) -> dict:
    """The edit page's starting values of the post's date (none when it has none or it was removed)."""
    from_db = event_of_post(post)
    if from_db is None or from_db.is_cancelled:
        return {}
    return {"event_date": from_db.start_date, "event_time": from_db.start_time,
            "event_end_date": from_db.end_date, "event_end_time": from_db.end_time,
            "event_place": from_db.place}


class EventForm(_Schedule, FlaskForm):
    """A standalone event: closure, strike, holidays, meeting, the week's menu..."""

    # Choices set per form (as the audiences are): WTForms warns about them in the constructor.
    category = RadioField(_l("What kind of event"), choices=[], default=EventCategory.OTHER,
                          validate_choice=False)
    title = StringField(_l("Title"), filters=[_strip], validators=[
        DataRequired(message=_l("Give the event a title.")),
        Length(max=MAX_TITLE, message=_l("The title can have at most %(max)d characters."))])
    start_date = DateField(_l("Day"), validators=[InputRequired(message=_l("Give the day of the event.")),
                                                  NearToday()],
                           format=DATE_FORMATS, invalid_value_message=BAD_DATE)
    start_time = optional_time(_l("Start time"))
    end_date = optional_date(_l("Last day"))
    end_time = optional_time(_l("End time"))
    place = StringField(_l("Place"), filters=[_strip],
                        validators=[Length(max=MAX_PLACE, message=_l("At most %(max)d characters."))])
    weekly_until = optional_date(_l("Repeats every week until"))
    targets = SelectMultipleField(_l("Audience"), choices=[], validate_choice=False,
                                  widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    scope = RadioField(_l("Audience"), choices=[], validate_choice=False)
    document = FileField(_l("Document (PDF)"), render_kw={"accept": "application/pdf,.pdf"})
    is_public = BooleanField(_l("Also in the city's public calendar"))

    audience_choices: list = []
    # The PDF kept from an earlier submit of this form, or the event's current one (editing).
    kept_document = None
    # Editing: the event's audience keys this editor cannot choose (``events.keys_beyond``),
    # kept as they are, and the establishment the event is sent from.
    kept_keys: list = []
    sent_from: int | None = None
    # The event's own PDF that this submit asked to remove (shown as going, removed by the save).
    removed_document = None

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.category.choices = list(CATEGORY_LABELS.items())

    def offer(self, targets) -> None:
        """The author's event audiences, shaped as on the compose page (posts.audience_choice)."""
        self.allowed = {t.token: t for t in targets}
        self.targets.choices = [(t.token, t.label) for t in targets]
        self.audience_choices = short_choices(targets)
        if not self.audience_choices:
            del self.scope
            return
        self.scope.choices = [(c.value, c.label) for c in self.audience_choices]
        self.targets.data = resolve(self.audience_choices, self.scope.data, self.targets.data or [])
        self.scope.data = scope_of(self.audience_choices, self.targets.data) or self.scope.data

    def chosen_targets(self) -> list:
        return [self.allowed[token] for token in dict.fromkeys(self.targets.data or [])]

    def validate_category(self, field) -> None:
        if field.data not in CATEGORY_LABELS:
            raise ValidationError(_("Choose among the kinds listed."))

    def validate_targets(self, field) -> None:
        tokens = field.data or []
        if not tokens and not self.kept_keys:
            raise ValidationError(_("Choose at least one audience."))
        if any(token not in self.allowed for token in tokens):
            raise ValidationError(_("Choose among the audiences listed."))
        senders = {self.allowed[token].establishment_id for token in tokens}
        if len(senders | ({self.sent_from} if self.kept_keys else set())) > 1:
            raise ValidationError(_("Choose audiences of one establishment at a time."))

    def validate_end_date(self, field) -> None:
        self._schedule_check("end_date")

    def validate_end_time(self, field) -> None:
        self._schedule_check("end_time")

    def validate_weekly_until(self, field) -> None:
        self._schedule_check("weekly_until")

    def validate_is_public(self, field) -> None:
        if not field.data or self.targets.errors:
            return
        if {t.key for t in self.chosen_targets()} != PUBLIC_EVENT_KEYS:
            raise ValidationError(str(NOT_PUBLIC))

    def details(self, document) -> EventDetails:
        return EventDetails(
            title=self.title.data, start_date=self.start_date.data, start_time=self.start_time.data,
            end_date=self.end_date.data, end_time=self.end_time.data, place=self.place.data or "",
            category=self.category.data, weekly_until=self.weekly_until.data,
            is_public="is_public" in self and bool(self.is_public.data), document=document)


def event_form_data(event, tokens_by_key: dict) -> dict:
    """The edit page's starting values of a standalone event."""
    return {"category": event.category, "title": event.title, "start_date": event.start_date,
            "start_time": event.start_time, "end_date": event.end_date, "end_time": event.end_time,
            "place": event.place, "weekly_until": event.weekly_until, "is_public": event.is_public,
            "targets": [tokens_by_key[(a.kind, a.value)] for a in event.audience
                        if (a.kind, a.value) in tokens_by_key]}
