"""Moved to ``ent_lite.rules``; this name lives until every import is rewritten."""
from ent_lite.rules import *  # noqa: F401,F403
