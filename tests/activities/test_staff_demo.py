"""The demo city's activities: what the demo must show, consistent with the allocation rules."""
from __future__ import annotations

from sqlalchemy import func, select

from ent_lite.accounts.models import Role, User
from ent_lite.activities.models import (
    Activity,
    Attendance,
    BracketDeclaration,
    Campaign,
    LotteryEntry,
    QuotientBracket,
    Registration,
    RegistrationStatus,
)
from ent_lite.core.db_types import utcnow
from ent_lite.demo.data import DEMO_PASSWORD
from ent_lite.school.models import GuardianLink
from tests.demo.test_seed_demo import seed


def count(db, model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_the_demo_city_has_a_catalogue_registrations_attendance_and_a_lottery(runner, db):
    seed(runner)
    now = utcnow()
    assert count(db, QuotientBracket) == 3
    first_come = db.session.scalars(select(Activity).where(Activity.campaign_id.is_(None))).all()
    assert len(first_come) == 6
    prices = {a.title: {p.amount_cents for p in a.prices} for a in first_come}
    assert any(cents == {0} for cents in prices.values()) and any(0 not in cents for cents in prices.values())
    for activity in db.session.scalars(select(Activity)):
        holding = count(db, Registration, Registration.activity_id == activity.id,
                        Registration.status.in_(RegistrationStatus.HOLDING))
        assert activity.places_taken == holding <= activity.capacity, activity.title
    theatre = next(a for a in first_come if a.title == "Atelier théâtre")
    assert theatre.free_places == 0
    assert count(db, Registration, Registration.activity_id == theatre.id,
                 Registration.status == RegistrationStatus.WAITING) == 3
    (offer,) = db.session.scalars(select(Registration).where(Registration.status == RegistrationStatus.OFFERED))
    assert offer.offer_expires_dt > now
    # The offer is the printed family's, so the demo shows it to whoever logs in as them.
    showcase = db.session.scalar(select(GuardianLink.user_id).where(GuardianLink.child_id == offer.child_id,
                                                                    GuardianLink.rank == 1))
    assert offer.guardian_id == showcase
    assert count(db, Attendance) > 0
    assert all(registration.bracket_id is not None for registration in db.session.scalars(select(Registration)))
    assert count(db, BracketDeclaration) > 0
    (campaign,) = db.session.scalars(select(Campaign))
    assert campaign.opens_dt <= now < campaign.closes_dt and campaign.drawn_dt is None
    assert count(db, Activity, Activity.campaign_id == campaign.id) == 3
    assert count(db, LotteryEntry) > 0
    assert count(db, Registration, Registration.campaign_id == campaign.id,
                 Registration.status == RegistrationStatus.REQUESTED) > 0


def test_the_demo_agent_sees_the_rosters(runner, db, login_as):
    seed(runner)
    agent = db.session.scalar(select(User).where(User.role == Role.CITY_AGENT))
    activity = db.session.scalar(select(Activity).where(Activity.title == "Multisport du mercredi"))
    client = login_as(agent, password=DEMO_PASSWORD)
    assert client.get(f"/activites/{activity.public_id}/suivi").status_code == 200
    session = activity.sessions[0]
    html = client.get(f"/activites/{activity.public_id}/seances/{session.public_id}").get_data(as_text=True)
    assert 'aria-pressed="true"' in html and "tel:" in html
