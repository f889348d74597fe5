from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ent_lite.audience.rules import PostTarget
from ent_lite.posts.services import MAX_BODY_LENGTH, MAX_TITLE_LENGTH


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class PostForm(FlaskForm):
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

    def offer(self, targets: list[PostTarget]) -> None:
        self.allowed = {t.token: t for t in targets}
        self.targets.choices = [(t.token, t.label) for t in targets]

    def chosen_targets(self) -> list[PostTarget]:
        return [self.allowed[token] for token in dict.fromkeys(self.targets.data or [])]

    def validate_targets(self, field) -> None:
        tokens = field.data or []
        if not tokens:
            raise ValidationError(_("Choose at least one audience."))
        if any(token not in self.allowed for token in tokens):
            raise ValidationError(_("Choose among the audiences listed."))
        if len({self.allowed[token].establishment_id for token in tokens}) > 1:
            raise ValidationError(_("Choose audiences of one establishment at a time."))
