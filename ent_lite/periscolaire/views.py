"""The periscolaire pages: sites, groups and their animators, enrolments."""
from ent_lite.periscolaire.blueprint import bp  # noqa: F401
