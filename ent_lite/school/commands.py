"""CLI commands of the school package (roster import)."""
from ent_lite.cli import ent_lite_cli  # noqa: F401
