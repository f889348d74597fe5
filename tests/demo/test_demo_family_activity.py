"""The printed family's calendar shows their child's activity: a real, confirmed registration
made by the parent (through the registration service), whose weekly sessions fall in the
family's calendar with the child's first name, this week's among them."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from ent_lite.accounts.models import Role
from ent_lite.activities.models import Registration, RegistrationStatus
from ent_lite.agenda.calendar import ACTIVITY, calendar_items
from ent_lite.core.db_types import utcnow
from ent_lite.core.localtime import to_local
from ent_lite.demo import data
from ent_lite.demo.accounts import printed_by_role
from ent_lite.school.models import City

from tests.demo.test_seed_demo import seed


def test_the_printed_family_has_a_confirmed_registration_with_sessions_in_the_coming_weeks(runner, db):
    seed(runner)
    parent = printed_by_role(db.session.scalar(select(City)))[Role.GUARDIAN][0]
    now = utcnow()
    (registration,) = db.session.scalars(select(Registration).where(
        Registration.guardian_id == parent.id, Registration.status == RegistrationStatus.CONFIRMED))
    # Registered by the parent as the form does: price frozen from their declared bracket.
    assert registration.bracket_id is not None and registration.price_cents is not None
    coming = [s for s in registration.activity.sessions if s.starts_dt > now]
    assert len(coming) >= 3

    today = to_local(now).date()
    items = calendar_items(parent, today, today + timedelta(days=28), now)
    sessions = [item for item in items if item.kind == ACTIVITY]
    assert sessions and {item.title for item in sessions} == {registration.activity.title}
    assert all(item.children == registration.child.first_name for item in sessions)
    assert len(sessions) >= 4  # weekly: this week's and the next ones


def test_the_printed_parent_sees_the_session_this_month_on_the_agenda_page(runner, db, login_as):
    seed(runner)
    parent = printed_by_role(db.session.scalar(select(City)))[Role.GUARDIAN][0]
    registration = db.session.scalar(select(Registration).where(
        Registration.guardian_id == parent.id, Registration.status == RegistrationStatus.CONFIRMED))

    page = login_as(parent, password=data.DEMO_PASSWORD).get("/agenda", headers={"Accept-Language": "fr"})

    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert registration.activity.title in html and f"Pour {registration.child.first_name}" in html
