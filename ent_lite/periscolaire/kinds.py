"""The names families and staff know the periscolaire group kinds by (PeriscolaireKind)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ent_lite.school.models import PeriscolaireKind

KIND_LABELS = {
    PeriscolaireKind.MORNING: _l("Morning childcare"),
    PeriscolaireKind.LUNCH: _l("Lunch break"),
    PeriscolaireKind.EVENING: _l("Evening childcare"),
    PeriscolaireKind.WEDNESDAY: _l("Wednesday (leisure centre)"),
    PeriscolaireKind.HOLIDAYS: _l("Holidays (leisure centre)"),
}


def kind_label(kind: str | None):
    return KIND_LABELS.get(kind, "") if kind else ""
