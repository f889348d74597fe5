"""Lottery campaigns for staff: create and edit one, list them.

Rules kept: a campaign belongs to one of the manager's services or periscolaire sites
(``permissions.can_manage_campaign``); its slug (lowercase letters, digits, hyphens) is unique
in the city, since it names the campaign in URLs and on the command line; it closes after it
opens; families rank 1 to 3 stays. Once requests open (``opens_dt <= now``) its slug and
priority rules are frozen: families request under the published rules, and the slug is in the
links and commands already given out. Once drawn, a campaign no longer changes: its published
result must stay the one that was drawn.
"""
from __future__ import annotations

import re
from datetime import datetime, time

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import Select, func, select
from wtforms import DateField, RadioField, SelectChoice, SelectField, StringField, TimeField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ent_lite.activities.lottery_rules import DEFAULT_RULES, PRIORITY_RULES
from ent_lite.activities.models import Activity, Campaign, Registration
from ent_lite.core.localtime import BAD_DATE, BAD_TIME, DATE_FORMATS, NearToday, local_to_utc, to_local
from ent_lite.extensions import db
from ent_lite.school.models import Establishment

SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
RESERVED_SLUGS = {"nouvelle"}  # /activites/campagnes/nouvelle is the page that creates one
RULE_LABELS = {
    "no_activity_then_bracket": _l("Children with no activity yet this year first, then the lower brackets"),
    "lot_only": _l("Lot only: every child has the same chance"),
}


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _lower(value):
    return value.strip().lower() if isinstance(value, str) else value


class CampaignForm(FlaskForm):
    title = StringField(_l("Title"), filters=[_strip], validators=[
        DataRequired(message=_l("Give the campaign a title.")),
        Length(max=200, message=_l("The title can have at most %(max)d characters."))])
    slug = StringField(_l("Short name"), filters=[_lower], validators=[
        DataRequired(message=_l("Give the campaign a short name, for example ete-2027.")),
        Length(max=60, message=_l("The short name can have at most %(max)d characters."))])
    establishment = SelectField(_l("Organiser"), choices=[], validate_choice=False)
    opens_date = DateField(_l("Requests open on"), format=DATE_FORMATS, validators=[
        DataRequired(message=BAD_DATE), NearToday()])
    opens_time = TimeField(_l("At"), default=time(8, 0), invalid_value_message=BAD_TIME,
                           validators=[Optional()])
    closes_date = DateField(_l("Requests close on"), format=DATE_FORMATS, validators=[
        DataRequired(message=BAD_DATE), NearToday()])
    closes_time = TimeField(_l("At"), default=time(18, 0), invalid_value_message=BAD_TIME,
                            validators=[Optional()])
    max_choices = SelectField(_l("Stays a family may rank for a child"), coerce=int,
                              choices=[SelectChoice(n, str(n)) for n in (1, 2, 3)], default=3)
    priority_rules = RadioField(_l("Priority rules"), default=DEFAULT_RULES,
                                choices=[SelectChoice(key, RULE_LABELS[key]) for key in PRIORITY_RULES])

    def __init__(self, *args, city_id: int, establishments: list[Establishment], campaign: Campaign | None = None,
                 now: datetime | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.city_id, self.campaign = city_id, campaign
        self.frozen = campaign is not None and now is not None and is_frozen(campaign, now)
        if self.frozen:  # whatever was sent: these two keep their published values
            self.slug.data, self.priority_rules.data = campaign.slug, campaign.priority_rules
        self.establishment.choices = [SelectChoice(e.public_id, e.name) for e in establishments]
        self.by_public_id = {e.public_id: e for e in establishments}
        if len(establishments) == 1 and not self.establishment.data:  # nothing to choose
            self.establishment.data = establishments[0].public_id

    def validate_slug(self, field) -> None:
        if not SLUG_RE.fullmatch(field.data or ""):
            raise ValidationError(_("Use only lowercase letters, digits and hyphens, for example ete-2027."))
        if field.data in RESERVED_SLUGS:
            raise ValidationError(_("This short name is reserved: choose another one."))
        taken = select(Campaign.id).where(Campaign.city_id == self.city_id, Campaign.slug == field.data)
        if self.campaign is not None:
            taken = taken.where(Campaign.id != self.campaign.id)
        if db.session.scalar(taken) is not None:
            raise ValidationError(_("Another campaign already has this short name."))

    def validate_establishment(self, field) -> None:
        if field.data not in self.by_public_id:
            raise ValidationError(_("Choose an organiser from the list."))

    def validate_closes_date(self, field) -> None:
        opens, closes = self.opens_dt(), self.closes_dt()
        if opens is not None and closes is not None and closes <= opens:
            raise ValidationError(_("Requests must close after they open."))

    def validate_max_choices(self, field) -> None:
        if self.campaign is None:
            return
        highest = db.session.scalar(select(func.max(Registration.choice_rank))
                                    .where(Registration.campaign_id == self.campaign.id)) or 0
        if field.data < highest:
            raise ValidationError(_("Families have already ranked %(num)d stays: keep at least %(num)d.",
                                    num=highest))

    def opens_dt(self) -> datetime | None:
        if not self.opens_date.data:
            return None
        return local_to_utc(self.opens_date.data, self.opens_time.data or time(8, 0))

    def closes_dt(self) -> datetime | None:
        if not self.closes_date.data:
            return None
        return local_to_utc(self.closes_date.data, self.closes_time.data or time(18, 0))

    def fill_from(self, campaign: Campaign) -> None:
        opens, closes = to_local(campaign.opens_dt), to_local(campaign.closes_dt)
        self.title.data, self.slug.data = campaign.title, campaign.slug
        self.establishment.data = next((key for key, e in self.by_public_id.items()
                                        if e.id == campaign.establishment_id), None)
        self.opens_date.data, self.opens_time.data = opens.date(), opens.time().replace(second=0, microsecond=0)
        self.closes_date.data, self.closes_time.data = closes.date(), closes.time().replace(second=0, microsecond=0)
        self.max_choices.data, self.priority_rules.data = campaign.max_choices, campaign.priority_rules


def is_frozen(campaign: Campaign, now: datetime) -> bool:
    """Slug and priority rules no longer change once requests have opened."""
    return campaign.opens_dt <= now


def save_campaign(form: CampaignForm, now: datetime, campaign: Campaign | None = None) -> Campaign:
    """Create the campaign, or change it (never once drawn: the view refuses first)."""
    if campaign is None:
        campaign = Campaign(city_id=form.city_id, created_dt=now)
        db.session.add(campaign)
    campaign.title = form.title.data
    if not form.frozen:
        campaign.slug = form.slug.data

    campaign.establishment_id = form.by_public_id[form.establishment.data].id
    campaign.opens_dt, campaign.closes_dt = form.opens_dt(), form.closes_dt()
    campaign.max_choices = form.max_choices.data
    if not form.frozen:
        campaign.priority_rules = form.priority_rules.data if form.priority_rules.data in PRIORITY_RULES \
            else DEFAULT_RULES
    db.session.flush()
    return campaign


def family_campaigns(city_id: int, now: datetime) -> Select:
    """The city's campaigns with at least one published stay, newest first."""
    published = select(Activity.id).where(Activity.campaign_id == Campaign.id, Activity.published_dt <= now,
                                          Activity.withdrawn_dt.is_(None)).exists()
    return (select(Campaign).where(Campaign.city_id == city_id, published)
            .order_by(Campaign.opens_dt.desc(), Campaign.id.desc()))


def find(city_id: int | None, slug: str) -> Campaign | None:
    if city_id is None:
        return None
    return db.session.scalar(select(Campaign).where(Campaign.city_id == city_id, Campaign.slug == slug))
