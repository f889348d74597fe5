"""Writing and editing a post: text, audience and options (schedule, expiry, urgency, signature)."""
from __future__ import annotations

import re
import secrets
from datetime import datetime, time

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FormField,
    HiddenField,
    RadioField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ent_lite.agenda.forms_events import EventFields, event_prefill
from ent_lite.audience.criteria_form import AudienceCriteriaForm
from ent_lite.core.db_types import utcnow
from ent_lite.core.localtime import BAD_TIME, end_of_day_utc, local_to_utc, optional_date, to_local
from ent_lite.files.forms import FilesField
from ent_lite.forms.builder import FormBuilderForm
from ent_lite.posts import audience_choice, photo_tags
from ent_lite.posts.body import MAX_BODY_LENGTH, MAX_TITLE_LENGTH
from ent_lite.posts.services import PostOptions, Taggable
from ent_lite.posts.signatures import names_list
from ent_lite.rules import PostTarget

DEFAULT_PUBLISH_TIME = time(8, 0)
SUBMISSION_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class AudienceChoice:
    """The author's audiences on a form with ``targets`` and ``scope`` fields, shaped as on the
    compose page (posts.audience_choice): the post form's and the activity announcement's."""

    audience_choices: list = []

    def offer(self, targets: list[PostTarget]) -> None:
        self.allowed = {t.token: t for t in targets}
        self.targets.choices = [(t.token, t.label) for t in targets]
        self.audience_choices = audience_choice.short_choices(targets)
        if not self.audience_choices:
            del self.scope
            return
        self.scope.choices = [(c.value, c.label) for c in self.audience_choices]
        self.targets.data = audience_choice.resolve(self.audience_choices, self.scope.data, self.targets.data or [])
        self.scope.data = audience_choice.scope_of(self.audience_choices, self.targets.data) or self.scope.data

    def chosen_targets(self) -> list[PostTarget]:
        return [self.allowed[token] for token in dict.fromkeys(self.targets.data or [])]


class PostForm(EventFields, AudienceCriteriaForm, AudienceChoice, FlaskForm):
    title = StringField(
        _l("Title"),
        filters=[_strip],
        validators=[
            DataRequired(message=_l("Give the post a title.")),
            Length(max=MAX_TITLE_LENGTH, message=_l("The title can have at most %(max)d characters.")),
        ],
    )
    body = TextAreaField(
        _l("Message"),
        render_kw={"rows": 5},
        validators=[
            DataRequired(message=_l("Write the message.")),
            Length(max=MAX_BODY_LENGTH, message=_l("The message can have at most %(max)d characters.")),
        ],
    )
    # Choices are the author's own audiences, set per request by ``offer``; an unknown value
    # gets our translated message rather than WTForms' own.
    targets = SelectMultipleField(
        _l("Audience"),
        choices=[],
        validate_choice=False,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    # For authors with many audiences: "the whole school / chosen classes" first, the list to
    # tick under it (ent_lite.posts.audience_choice); resolved into ``targets`` by ``offer``.
    scope = RadioField(_l("Audience"), choices=[], validate_choice=False)
    publish_date = optional_date(_l("Publish on"))
    publish_time = TimeField(_l("At"), default=DEFAULT_PUBLISH_TIME, invalid_value_message=BAD_TIME)
    expires_date = optional_date(_l("Hide from families after"))
    # City agents only (the views drop it for everyone else): see rules.may_send_optional_info.
    optional_info = BooleanField(_l("Optional city information"))
    is_urgent = BooleanField(_l("Urgent"))
    is_pinned = BooleanField(_l("Pin to the top"))
    replies_allowed = BooleanField(_l("Allow replies"), default=True)
    requires_ack = BooleanField(_l("Ask families to sign"))
    ack_due_date = optional_date(_l("Sign before"))
    ack_every_guardian = BooleanField(_l("Every guardian must sign"))
    files = FilesField()
    # The children who appear in the photos: offered by ``offer_children``, never pre-ticked.
    children = SelectMultipleField(
        _l("Children who appear in the photos"),
        choices=[],
        validate_choice=False,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    # The poll or authorisation builder (forms feature); removed from the edit page.
    poll = FormField(FormBuilderForm)
    # A one-time token given with the empty form and sent back by every submit of it, so a
    # double tap publishes one post (ent_lite.posts.services.submitted_post). Edit pages drop it.
    submission = HiddenField()

    now: datetime | None = None  # set by ``check``
    start_dt: datetime | None = None  # a published post's fixed publication time
    fixed_keys: list | None = None  # a published post's audience, which no longer changes
    taggable: dict[str, Taggable] = {}
    # Files kept from an earlier submit of this form (ent_lite.files.drafts), shown as thumbnails.
    draft_files: list = []
    # Editing: tags already checked for the post's audience (their photos are hidden if a
    # consent was withdrawn since); checked again when the audience changes.
    already_tagged: frozenset[int] = frozenset()
    tagged_for_keys: frozenset = frozenset()

    def new_submission(self) -> None:
        self.submission.data = secrets.token_urlsafe(24)

    def submission_token(self) -> str | None:
        """The form's token as sent back; None when missing or not one we could have given."""
        if "submission" not in self:
            return None
        value = self.submission.data or ""
        return value if SUBMISSION_TOKEN.fullmatch(value) else None

    def validate_targets(self, field) -> None:
        tokens = field.data or []
        if not tokens:
            raise ValidationError(_("Choose at least one audience."))
        if any(token not in self.allowed for token in tokens):
            raise ValidationError(_("Choose among the audiences listed."))
        if len({self.allowed[token].establishment_id for token in tokens}) > 1:
            raise ValidationError(_("Choose audiences of one establishment at a time."))

    # --- children in the photos: only those the audience reaches, with their guardians' consent

    def offer_children(self, taggable: list[Taggable]) -> None:
        self.taggable = {t.child.public_id: t for t in taggable}
        self.children.choices = [
            (t.child.public_id, _l("%(name)s (%(groups)s)", name=t.child.display_name, groups=", ".join(t.group_names)))
            for t in taggable
        ]

    def tagged(self) -> list:
        return [self.taggable[token].child for token in dict.fromkeys(self.children.data or []) if token in self.taggable]

    def _audience_keys(self) -> list | None:
        if self.fixed_keys is not None:
            return self.fixed_keys
        if "targets" not in self or self.targets.errors:
            return None  # the audience field already says what is wrong
        return [t.key for t in self.chosen_targets()]

    def validate_children(self, field) -> None:
        tokens = list(dict.fromkeys(field.data or []))
        if any(token not in self.taggable for token in tokens):
            raise ValidationError(_("Choose among the children listed."))
        keys = self._audience_keys()
        if not tokens or keys is None:
            return
        chosen = [self.taggable[token] for token in tokens]
        outside = [t.child.display_name for t in chosen if not t.keys & set(keys)]
        if outside:
            raise ValidationError(_("Not in the audience chosen: %(names)s. Untick them or choose their class.",
                                    names=names_list(outside)))
        checked = self.already_tagged if set(keys) == self.tagged_for_keys else frozenset()
        added = [t.child for t in chosen if t.child.id not in checked]
        blocking = photo_tags.blocking_children(keys, added, self.now)
        if blocking:
            raise ValidationError(consent_refusal(blocking))

    # --- dates: typed in the city's time zone, checked against each other -------------------

    def publish_at(self) -> datetime | None:
        """The chosen publication time in UTC, or None to publish now."""
        if "publish_date" not in self or not self.publish_date.data:
            return None
        return local_to_utc(self.publish_date.data, self.publish_time.data or DEFAULT_PUBLISH_TIME)

    def validate_publish_time(self, field) -> None:
        if not self.publish_date.data:
            field.errors[:] = []  # the time only counts with a date
            raise StopValidation()

    def _start(self) -> datetime:
        """When the post is (or will be) published: a past time typed means now."""
        base = self.start_dt or self.now or utcnow()
        chosen = self.publish_at()
        return max(chosen, base) if chosen else base

    def validate_expires_date(self, field) -> None:
        start = self._start()
        if field.data and end_of_day_utc(field.data) <= start:
            raise ValidationError(_("This date must come after the publication."))

    def _expires_dt(self) -> datetime | None:
        if self.expires_date.errors or not self.expires_date.data:
            return None
        return end_of_day_utc(self.expires_date.data)

    def validate_ack_due_date(self, field) -> None:
        if not (self.requires_ack.data and field.data):
            return
        if end_of_day_utc(field.data) <= self._start():
            raise ValidationError(_("The due date must come after the publication."))
        expires = self._expires_dt()
        if expires is not None and end_of_day_utc(field.data) > expires:
            raise ValidationError(_("The due date must come before the post is hidden from families."))

    def check(self, now: datetime) -> bool:
        """Validate against ``now`` (dates in the past are refused where they make no sense)."""
        self.now = now
        if "poll" in self:
            self.poll.form.now = now
        valid = self.validate()
        if "poll" in self and not self.poll.form.check_deadline_within(self._start(), self._expires_dt()):
            valid = False
        return valid

    def options(self) -> PostOptions:
        wants_ack = bool(self.requires_ack.data)
        return PostOptions(
            publish_at=self.publish_at(),
            expires_dt=end_of_day_utc(self.expires_date.data) if self.expires_date.data else None,
            is_urgent=bool(self.is_urgent.data),
            is_pinned=bool(self.is_pinned.data),
            replies_allowed=bool(self.replies_allowed.data),
            requires_ack=wants_ack,
            ack_every_guardian=wants_ack and bool(self.ack_every_guardian.data),
            ack_due_dt=end_of_day_utc(self.ack_due_date.data) if wants_ack and self.ack_due_date.data else None,
            optional_info="optional_info" in self and bool(self.optional_info.data),
        )

    @property
    def is_optional_info(self) -> bool:
        return "optional_info" in self and bool(self.optional_info.data)


CONSENT_AUDIENCES = {
    photo_tags.CLASS: _l("their class"),
    photo_tags.SCHOOL: _l("the whole school"),
    photo_tags.CITY: _l("the whole city"),
}


def consent_refusal(blocking) -> str:
    """Names the children whose guardians have not agreed, per audience the post needs."""
    by_audience: dict[str, list[str]] = {}
    for child, needed in blocking:
        by_audience.setdefault(needed, []).append(child.display_name)
    return " ".join(
        _("Not published: the guardians of %(names)s have not agreed to show their photos to %(audience)s. "
          "Remove the photos where they appear, or wait until their guardians agree.",
          names=names_list(names), audience=CONSENT_AUDIENCES[needed])
        for needed, names in by_audience.items()
    )


def prefill(post, tokens_by_key: dict) -> dict:
    """The form's starting values for editing ``post`` (dates in the city's time zone)."""
    published = to_local(post.published_dt)
    return {
        "title": post.title,
        "body": post.body_markdown,
        "targets": [tokens_by_key[(a.kind, a.value)] for a in post.audience if (a.kind, a.value) in tokens_by_key],
        "publish_date": published.date(),
        "publish_time": published.time().replace(second=0, microsecond=0),
        "expires_date": to_local(post.expires_dt).date() if post.expires_dt else None,
        "is_urgent": post.is_urgent,
        "is_pinned": post.is_pinned,
        "replies_allowed": post.replies_allowed,
        "requires_ack": post.requires_ack,
        "ack_due_date": to_local(post.ack_due_dt).date() if post.ack_due_dt else None,
        "ack_every_guardian": post.ack_every_guardian,
        "optional_info": post.is_optional_info,
        **event_prefill(post),
    }
