"""Pages: see the module docstring once written."""
from ent_lite.activities.blueprint import bp  # noqa: F401
