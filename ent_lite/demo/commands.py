"""CLI command that seeds the demo city."""
from ent_lite.cli import ent_lite_cli  # noqa: F401
