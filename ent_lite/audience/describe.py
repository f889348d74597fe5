"""The name of an audience rule wherever audiences are named (the post page, the tracking
page, the composer's count): "Families of children aged 6 to 11 on 1 Jan 2027, in the Nord
district, using the evening childcare".

Each dimension the author filled is one phrase; values of one dimension are joined with
"or" (the rule's OR), phrases with commas (its AND). Nothing is named that the rule does not
hold (``audience.criteria``). The kinds are named by ``periscolaire.kinds`` (one label set).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from babel.lists import format_list
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ent_lite.audience.criteria import Criteria, criteria_of
from ent_lite.audience.models import AudienceRule
from ent_lite.core.dates import format_day
from ent_lite.extensions import db
from ent_lite.periscolaire.kinds import KIND_IN_SENTENCE
from ent_lite.school.models import Establishment, PeriscolaireKind

def _or(items: Sequence[str]) -> str:
    return format_list([str(i) for i in items], style="or", locale=get_locale() or "fr")


def _age(criteria: Criteria) -> str | None:
    low, high, on = criteria.min_age, criteria.max_age, criteria.age_on
    day = format_day(on) if on else ""
    if low is not None and high is not None:
        return _("aged %(min)d to %(max)d on %(date)s", min=low, max=high, date=day)
    if low is not None:
        return _("aged %(min)d or more on %(date)s", min=low, date=day)
    if high is not None:
        return _("aged %(max)d or less on %(date)s", max=high, date=day)
    return None


def describe(criteria: Criteria, school_names: dict[int, str]) -> str:
    """One sentence naming whom the criteria reach (``school_names``: {id: name})."""
    phrases = []
    if (age := _age(criteria)) is not None:
        phrases.append(age)
    if criteria.establishment_ids:
        names = [school_names.get(i, "?") for i in sorted(criteria.establishment_ids)]
        phrases.append(_("attending %(schools)s", schools=_or(sorted(names))))
    if criteria.districts:
        phrases.append(ngettext("in the %(districts)s district", "in the %(districts)s districts",
                                len(criteria.districts), districts=_or(sorted(criteria.districts))))
    if criteria.levels:
        phrases.append(_("in %(levels)s", levels=_or(list(criteria.levels))))
    if criteria.periscolaire_kinds:
        kinds = [KIND_IN_SENTENCE[k] for k in PeriscolaireKind.ALL if k in criteria.periscolaire_kinds]
        phrases.append(_("using %(kinds)s", kinds=_or(kinds)))
    return _("Families of children %(criteria)s", criteria=", ".join(phrases))


def rule_names(rule_ids: Iterable[int]) -> dict[int, str]:
    """{rule id: its name} in three queries (the rules, their parts, the schools they name)."""
    ids = sorted(set(rule_ids))
    if not ids:
        return {}
    rules = db.session.scalars(select(AudienceRule).options(selectinload(AudienceRule.parts))
                               .where(AudienceRule.id.in_(ids))).all()
    criteria = {rule.id: criteria_of(rule) for rule in rules}
    school_ids = sorted({i for c in criteria.values() for i in c.establishment_ids})
    schools = dict(db.session.execute(
        select(Establishment.id, Establishment.name).where(Establishment.id.in_(school_ids))).all()) if school_ids else {}
    return {rule_id: describe(found, schools) for rule_id, found in criteria.items()}
