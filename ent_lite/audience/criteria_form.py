"""The composer's "Target by age or periscolaire" part, a mixin of the post form.

Offered to city agents only, when writing a new post (a rule is written once per publish;
``audience.criteria_posting``). When any criterion is filled, it REPLACES the audience chosen
above (the page says so): the standard audience is then not required. "Count the families"
re-renders the form with the number of households reached and everything typed kept; a rule
that reaches nobody, ages outside 0–18 or a minimum above the maximum are refused with a
message next to the field, nothing published.
"""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectMultipleField, SubmitField
from wtforms.validators import NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ent_lite.audience import criteria as audience_criteria
from ent_lite.audience import keys as audience_keys
from ent_lite.audience.criteria import MAX_AGE, MIN_AGE, Criteria
from ent_lite.audience.describe import describe
from ent_lite.core.db_types import utcnow
from ent_lite.core.localtime import BAD_DATE, DATE_FORMATS, NearToday
from ent_lite.extensions import db
from ent_lite.periscolaire import services as periscolaire_services
from ent_lite.periscolaire.kinds import KIND_LABELS
from ent_lite.school.models import LEVELS, Establishment

BAD_AGE = _l("Enter an age in years between %(min)d and %(max)d.", min=MIN_AGE, max=MAX_AGE)


class AgeField(IntegerField):
    """An age in whole years; typed text gets our translated message."""

    def process_formdata(self, valuelist):
        if valuelist and valuelist[0].strip():
            try:
                self.data = int(valuelist[0].strip())
            except ValueError:
                self.data = None
                raise ValueError(str(BAD_AGE)) from None
        else:
            self.data = None


def _checkboxes(label):
    return SelectMultipleField(label, choices=[], validate_choice=False,
                               widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())


class AudienceCriteriaForm:
    """Fields ``rule_*``; ``offer`` (of AudienceChoice) sets their lists for a city agent."""

    rule_min_age = AgeField(_l("From the age of"), validators=[Optional(), NumberRange(MIN_AGE, MAX_AGE, BAD_AGE)])
    rule_max_age = AgeField(_l("Up to the age of"), validators=[Optional(), NumberRange(MIN_AGE, MAX_AGE, BAD_AGE)])
    rule_age_on = DateField(_l("Age on"), validators=[Optional(), NearToday()], format=DATE_FORMATS,
                            invalid_value_message=BAD_DATE)
    rule_periscolaire = _checkboxes(_l("Periscolaire"))
    rule_schools = _checkboxes(_l("Schools"))
    rule_districts = _checkboxes(_l("Districts"))
    rule_levels = _checkboxes(_l("Levels"))
    count_families = SubmitField(_l("Count the families"))

    criteria_city_id: int | None = None
    criteria_families: int | None = None  # set by a count (or a publish) of filled criteria
    criteria_label: str = ""
    # Periscolaire groups of the city with no kind yet (made before kinds existed): a kind
    # criterion does not reach their children, and the author is told how many there are.
    criteria_untyped_groups: int = 0
    _school_ids: dict[str, int] = {}

    @property
    def criteria_offered(self) -> bool:
        return self.criteria_city_id is not None

    def offer(self, targets) -> None:
        super().offer(targets)
        # New posts of a city agent only: their audiences include the whole city. Editing
        # (no ``submission`` field) keeps the audience the post was written with.
        city_wide = [t for t in targets if t.kind == audience_keys.ALL]
        if not city_wide or "submission" not in self:
            return
        self.criteria_city_id = db.session.scalar(
            db.select(Establishment.city_id).where(Establishment.id == city_wide[0].establishment_id))
        found = audience_criteria.city_dimensions(self.criteria_city_id)
        self._school_ids = {ref: i for i, ref, _ in found.schools}
        self.rule_schools.choices = [(ref, name) for _, ref, name in found.schools]
        self.rule_districts.choices = [(d, d) for d in found.districts]
        self.rule_levels.choices = [(level, level) for level in LEVELS]
        self.rule_periscolaire.choices = [(k, KIND_LABELS[k]) for k in found.kinds]
        self.criteria_untyped_groups = periscolaire_services.untyped_group_count(self.criteria_city_id)

    def criteria(self) -> Criteria:
        """What is filled (empty when not offered: a forged field is ignored)."""
        if not self.criteria_offered:
            return Criteria()

        def ticked(field):
            allowed = {value for value, _ in field.choices}
            return tuple(v for v in dict.fromkeys(field.data or []) if v in allowed)

        return Criteria(
            min_age=self.rule_min_age.data, max_age=self.rule_max_age.data,
            age_on=self.rule_age_on.data, establishment_ids=tuple(self._school_ids[r] for r in ticked(self.rule_schools)),
            districts=ticked(self.rule_districts), levels=ticked(self.rule_levels),
            periscolaire_kinds=ticked(self.rule_periscolaire))

    @property
    def criteria_open(self) -> bool:
        return self.criteria_offered and (not self.criteria().is_empty or self.criteria_families is not None
                                          or any(f.errors for f in self._criteria_fields()))

    def _criteria_fields(self):
        return [self.rule_min_age, self.rule_max_age, self.rule_age_on, self.rule_periscolaire,
                self.rule_schools, self.rule_districts, self.rule_levels]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not self.criteria_offered:
            return valid
        for box in (self.rule_schools, self.rule_districts, self.rule_levels, self.rule_periscolaire):
            if set(box.data or []) - {value for value, _ in box.choices}:
                box.errors.append(_("Choose among the values listed."))
        chosen = self.criteria()
        counting = bool(self.count_families.data)
        if chosen.is_empty:
            if counting:
                self.rule_min_age.errors.append(_("Fill at least one criterion to count the families."))
                return False
            return valid
        # The criteria replace the audience chosen above: it need not be chosen.
        for name in ("targets", "scope"):
            if name in self:
                self[name].errors = []
        if chosen.min_age is not None and chosen.max_age is not None and chosen.min_age > chosen.max_age:
            self.rule_max_age.errors.append(_("The age up to must be at least the age from."))
        if not any(f.errors for f in self._criteria_fields()):
            self._count(chosen)
        return not counting and not any(f.errors for f in self)

    def _count(self, chosen: Criteria) -> None:
        now = getattr(self, "now", None) or utcnow()
        self.criteria_families = audience_criteria.count_families(self.criteria_city_id, chosen, now)
        names = {self._school_ids[ref]: name for ref, name in self.rule_schools.choices}
        self.criteria_label = describe(chosen, names)
        if not self.criteria_families:
            self.rule_min_age.errors.append(_("No family matches these criteria: widen them, or choose an audience above."))
