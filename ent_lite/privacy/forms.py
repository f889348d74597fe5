from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange

from ent_lite.privacy import register, retention


class RetentionForm(FlaskForm):
    """One number of days per retention category, within the policy's bounds."""


def _category_field(key: str) -> IntegerField:
    category = retention.CATEGORIES[key]
    return IntegerField(
        register.category(key).name,  # Localized: shown in the reader's language
        validators=[
            InputRequired(message=_l("Give a number of days.")),
            NumberRange(min=category.min_days, max=category.max_days,
                        message=_l("Choose between %(min)s and %(max)s days.")),
        ],
    )


for _key in retention.CATEGORIES:
    setattr(RetentionForm, _key, _category_field(_key))
