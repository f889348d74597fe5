"""The absence notices' pages: a family's notices, and today's absences for staff."""
from ent_lite.absences.blueprint import bp  # noqa: F401
