"""Importing every views module registers its pages on the blueprint."""
from ent_lite.activities import (  # noqa: F401
    views_indicator,
    views_lottery,
    views_manage,
    views_public,
    views_register,
    views_staff,
)
from ent_lite.activities.blueprint import bp  # noqa: F401
