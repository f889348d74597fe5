"""Importing every views module registers its pages on the blueprint."""
from ent_lite.agenda import views_calendar, views_events, views_feeds  # noqa: F401
from ent_lite.agenda.blueprint import bp  # noqa: F401
