"""What templates may ask about the person reading: one global per decision, each a rule of
this package. A template never compares a role (``current_user.role == ...``): the rule would
then live in two places and drift. Globals take the user, as the rules do; a rule that needs
the time gets it here, so the template passes none.
"""
from __future__ import annotations

from ent_lite.core.db_types import utcnow
from ent_lite.rules.city_services import may_write_to_families_of
from ent_lite.rules.conversations import may_write_about_pupils
from ent_lite.rules.posts import may_read_news, receives_notifications
from ent_lite.rules.reach import may_give_consents


def writes_to_families(user, activity) -> bool:
    """Whether an activity's follow-up offers ``user`` "Write to the family" now."""
    return may_write_to_families_of(user, activity, utcnow())


GLOBALS = {
    "has_calendar": may_read_news,
    "may_give_consents": may_give_consents,
    "may_write_about_pupils": may_write_about_pupils,
    "receives_notifications": receives_notifications,
    "writes_to_families": writes_to_families,
}


def init_app(app) -> None:
    app.jinja_env.globals.update(GLOBALS)
