"""The activity form (staff) and the publish form: typed values in, ``manage.ActivityInput`` out.

Fields only convert what is typed (a date, a time, a number, an amount in euros); the rules
between fields live in ``manage.check``, whose problems ``show`` puts back next to each field.
Sessions are a fixed number of blank rows; "Add sessions" sends the form back with more rows,
so it works without JavaScript and nothing typed is lost.
"""
from __future__ import annotations

import re
from datetime import time
from types import SimpleNamespace

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ent_lite.activities.brackets import BracketRow
from ent_lite.activities.describe import CATEGORY_LABELS
from ent_lite.activities.eligibility import MAX_AGE
from ent_lite.activities.manage import ActivityInput, SessionInput
from ent_lite.activities.models import ActivityCategory, AllocationMode
from ent_lite.core.localtime import BAD_DATE, BAD_TIME, DATE_FORMATS, NearToday, local_to_utc, to_local
from ent_lite.posts.forms import AudienceChoice
from ent_lite.school.models import LEVELS

BAD_NUMBER = _l("Enter a whole number, for example 12.")
SESSION_ROWS = 3  # blank rows shown, and added by "Add sessions"
MAX_SESSION_ROWS = 60
ADD_SESSIONS = "add_sessions"
# "5", "5,50", "5.50", "5,50 €": euros with at most two decimals.
AMOUNT = re.compile(r"^(-?)(\d{1,7})(?:[.,](\d{1,2}))?$")

MODE_LABELS = {
    AllocationMode.FIRST_COME: _l("First come, first served"),
    AllocationMode.LOTTERY: _l("Lottery (a campaign of popular stays)"),
}


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def parse_amount(text: str | None) -> int | None:
    """Cents from an amount typed in euros; None when empty or not an amount."""
    cleaned = (text or "").replace("€", "").replace("\u00a0", "").replace(" ", "")
    match = AMOUNT.match(cleaned)
    if not match:
        return None
    sign, euros, decimals = match.groups()
    cents = int(euros) * 100 + int((decimals or "0").ljust(2, "0"))
    return -cents if sign else cents


class WholeNumberField(IntegerField):
    """An integer field whose refusal says what to type (in the user's language)."""

    def process_formdata(self, valuelist) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(str(BAD_NUMBER)) from error


class SessionRow(Form):
    day = DateField(_l("Day"), validators=[Optional(), NearToday()], format=DATE_FORMATS,
                    invalid_value_message=BAD_DATE)
    starts = TimeField(_l("Start"), validators=[Optional()], invalid_value_message=BAD_TIME)
    ends = TimeField(_l("End"), validators=[Optional()], invalid_value_message=BAD_TIME)


class PriceRow(Form):
    amount = StringField(_l("Price in euros"), filters=[_strip])
    free = BooleanField(_l("Free"))

    def validate_amount(self, field) -> None:
        if field.data and parse_amount(field.data) is None:
            raise ValidationError(_("Enter an amount in euros, for example 5 or 5,50."))


class ActivityForm(FlaskForm):
    title = StringField(_l("Title"), filters=[_strip], validators=[Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Length(max=5000)], render_kw={"rows": 5})
    category = RadioField(_l("Category"), choices=[], default=ActivityCategory.SPORT,
                          validate_choice=False)
    organiser = SelectField(_l("Organiser"), choices=[], validate_choice=False)
    place = StringField(_l("Place"), filters=[_strip], validators=[Length(max=300)])
    sessions = FieldList(FormField(SessionRow), min_entries=SESSION_ROWS, max_entries=MAX_SESSION_ROWS)
    min_age = WholeNumberField(_l("Minimum age"), validators=[Optional(), NumberRange(0, MAX_AGE)])
    max_age = WholeNumberField(_l("Maximum age"), validators=[Optional(), NumberRange(0, MAX_AGE)])
    levels = SelectMultipleField(_l("Levels"), choices=[], validate_choice=False,
                                 widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    capacity = WholeNumberField(_l("Number of places"), validators=[Optional()])
    mode = RadioField(_l("How places are given"), choices=[],
                      default=AllocationMode.FIRST_COME, validate_choice=False)
    campaign = SelectField(_l("Lottery campaign"), choices=[], validate_choice=False)
    opens_date = DateField(_l("Registrations open on"), validators=[Optional(), NearToday()], format=DATE_FORMATS,
                           invalid_value_message=BAD_DATE)
    opens_time = TimeField(_l("At"), default=time(8, 0), validators=[Optional()], invalid_value_message=BAD_TIME)
    closes_date = DateField(_l("Registrations close on"), validators=[Optional(), NearToday()],
                            format=DATE_FORMATS, invalid_value_message=BAD_DATE)
    closes_time = TimeField(_l("At"), default=time(20, 0), validators=[Optional()], invalid_value_message=BAD_TIME)
    cancel_date = DateField(_l("Families may cancel until"), validators=[Optional(), NearToday()],
                            format=DATE_FORMATS, invalid_value_message=BAD_DATE)
    cancel_time = TimeField(_l("At"), default=time(12, 0), validators=[Optional()], invalid_value_message=BAD_TIME)
    offer_hours = WholeNumberField(_l("Hours to answer an offered place"), default=48, validators=[Optional()])
    documents = TextAreaField(_l("Documents to bring"), validators=[Length(max=2000)], render_kw={"rows": 3})
    prices = FieldList(FormField(PriceRow), min_entries=0)
    photo = FileField(_l("Photo"), render_kw={"accept": "image/jpeg,image/png,image/webp,.jpg,.jpeg,.png,.webp"})
    # The photo of an earlier submit, kept as the author's draft file (ent_lite.files.drafts).
    photo_draft = HiddenField()
    remove_photo = BooleanField(_l("Remove the photo"))

    def __init__(self, *args, brackets=(), organisers=(), campaigns=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.brackets = list(brackets)
        self._organisers = {e.public_id: e for e in organisers}
        self._campaigns = {c.public_id: c for c in campaigns}
        # Choices set here, not in the class: WTForms warns about tuple choices given at definition.
        self.category.choices = list(CATEGORY_LABELS.items())
        self.levels.choices = [(level, level) for level in LEVELS]
        self.mode.choices = list(MODE_LABELS.items())
        self.organiser.choices = [(e.public_id, e.name) for e in organisers]
        self.campaign.choices = [("", _("No campaign"))] + [(c.public_id, c.title) for c in campaigns]
        # One amount per bracket, in the city's order: extra rows sent by a forged form are dropped.
        self.prices.max_entries = len(self.brackets)
        while len(self.prices) < len(self.brackets):
            self.prices.append_entry()
        while len(self.prices) > len(self.brackets):
            self.prices.pop_entry()

    def add_session_rows(self) -> None:
        for _row in range(SESSION_ROWS):
            if len(self.sessions) < MAX_SESSION_ROWS:
                self.sessions.append_entry()

    def _at(self, day_field, time_field):
        if day_field.data is None or day_field.errors:
            return None
        return local_to_utc(day_field.data, time_field.data or time(0, 0))

    def to_input(self) -> ActivityInput:
        """The typed values; what failed to convert is None (its field already says why)."""
        organiser = self._organisers.get(self.organiser.data)
        if organiser is None and len(self._organisers) == 1:
            organiser = next(iter(self._organisers.values()))
        campaign = self._campaigns.get(self.campaign.data or "")
        prices = {}
        for bracket, row in zip(self.brackets, self.prices):
            prices[bracket.id] = 0 if row.free.data else parse_amount(row.amount.data)
        return ActivityInput(
            title=self.title.data or "", description=self.description.data or "",
            category=self.category.data, establishment_id=organiser.id if organiser else None,
            place=self.place.data or "",
            sessions=[SessionInput(r.day.data, r.starts.data, r.ends.data) for r in self.sessions],
            min_age=self.min_age.data, max_age=self.max_age.data, levels=list(self.levels.data or []),
            capacity=self.capacity.data, mode=self.mode.data, campaign_id=campaign.id if campaign else None,
            campaign_unknown=bool(self.campaign.data) and campaign is None,
            opens_dt=self._at(self.opens_date, self.opens_time), closes_dt=self._at(self.closes_date, self.closes_time),
            cancel_until_dt=self._at(self.cancel_date, self.cancel_time),
            offer_hours=self.offer_hours.data, documents=self.documents.data or "", prices=prices)

    def show(self, problems: dict) -> None:
        """Put ``manage.check``'s problems next to their fields (none already in error twice)."""
        by_bracket = {b.id: row for b, row in zip(self.brackets, self.prices)}
        for key, message in problems.items():
            if isinstance(key, tuple) and key[0] == "session":
                target = self.sessions[key[1]].day
            elif isinstance(key, tuple):
                target = by_bracket[key[1]].amount
            else:
                target = {"sessions": self.sessions[0].day, "opens": self.opens_date, "closes": self.closes_date,
                          "cancel_until": self.cancel_date}.get(key) or self[key]
            if not target.errors:
                target.errors = [*target.errors, message]

    def fill(self, activity) -> None:
        """The form's values for editing ``activity`` (dates in the city's time zone)."""
        self.title.data, self.description.data = activity.title, activity.description
        self.category.data, self.place.data = activity.category, activity.place
        self.organiser.data = activity.establishment.public_id
        while len(self.sessions):
            self.sessions.pop_entry()
        for session in activity.sessions:
            starts, ends = to_local(session.starts_dt), to_local(session.ends_dt)
            # A FormField reads its values from an object's attributes.
            self.sessions.append_entry(SimpleNamespace(day=starts.date(), starts=starts.time(), ends=ends.time()))
        self.add_session_rows()
        self.min_age.data, self.max_age.data = activity.min_age, activity.max_age
        self.levels.data = activity.level_list
        self.capacity.data, self.mode.data = activity.capacity, activity.mode
        self.campaign.data = activity.campaign.public_id if activity.campaign else ""
        for name, moment in (("opens", activity.opens_dt), ("closes", activity.closes_dt),
                             ("cancel", activity.cancel_until_dt)):
            if moment is not None:
                local = to_local(moment)
                self[f"{name}_date"].data, self[f"{name}_time"].data = local.date(), local.time()
        self.offer_hours.data, self.documents.data = activity.offer_hours, activity.documents
        cents = {p.bracket_id: p.amount_cents for p in activity.prices}
        for bracket, row in zip(self.brackets, self.prices):
            if bracket.id in cents:
                row.amount.data = f"{cents[bracket.id] / 100:.2f}".replace(".", ",")
                row.free.data = cents[bracket.id] == 0


class PublishForm(AudienceChoice, FlaskForm):
    """Publish, optionally with an announcement to audiences of the author (as a post's)."""

    announce = BooleanField(_l("Also post an announcement to the families it is for"))
    targets = SelectMultipleField(_l("Audience"), choices=[], validate_choice=False,
                                  widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    scope = RadioField(_l("Audience"), choices=[], validate_choice=False)

    def validate_targets(self, field) -> None:
        if not self.announce.data:
            return
        tokens = field.data or []
        if not tokens:
            raise ValidationError(_("Choose at least one audience."))
        if any(token not in self.allowed for token in tokens):
            raise ValidationError(_("Choose among the audiences listed."))


class BracketFormRow(Form):
    public_id = HiddenField()
    label = StringField(_l("Label"), filters=[_strip])
    min_quotient = WholeNumberField(_l("From (€ per month)"), validators=[Optional()],
                                render_kw={"inputmode": "numeric"})
    max_quotient = WholeNumberField(_l("Up to (€ per month)"), validators=[Optional()],
                                render_kw={"inputmode": "numeric"})
    delete = BooleanField(_l("Delete"))


class BracketsForm(FlaskForm):
    """The whole table at once (checked together by ``brackets.check``), plus blank rows to add."""

    rows = FieldList(FormField(BracketFormRow), min_entries=0, max_entries=40)

    def fill(self, brackets, blank: int = 2) -> None:
        for bracket in brackets:
            self.rows.append_entry(bracket)  # a FormField reads its values from an object's attributes
        for _row in range(blank):
            self.rows.append_entry()

    def to_rows(self) -> list:
        # ``row.form``: a FormField's own ``label`` would hide the subform's "label" field.
        from_row = [(r.form.public_id.data or None, r.form.label.data or "", r.form.min_quotient.data,
                     r.form.max_quotient.data, bool(r.form.delete.data)) for r in self.rows]
        return [BracketRow(*values) for values in from_row]

    def show(self, problems: dict) -> None:
        for (index, name), message in problems.items():
            target = self.rows[index][name]
            target.errors = [*target.errors, message]
