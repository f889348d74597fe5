"""The activities part of the every-page seed: one activity world, an activity with a family
registered (and its note), an open and a drawn lottery campaign."""
from __future__ import annotations

from datetime import datetime

from ent_lite.activities import allocation
from ent_lite.activities.models import Registration, RegistrationNote, RegistrationStatus
from ent_lite.extensions import db
from tests.activities.factories import build_activity_world, make_activity
from tests.activities.lottery_factories import lottery_walk_objects

# Files and feeds, not pages a person reads.
EXCLUDED = {
    "activities.photo": "an activity's photo (JPEG or WebP)",
    "activities.feed_json": "the open-data feed of activities (JSON)",
    "activities.feed_atom": "the open-data feed of activities (Atom)",
    "activities.feed_ics": "the sessions of the activities as iCalendar",
    "activities.campaign_json": "a lottery draw's published result (JSON)",
    "activities.indicator_csv": "the city indicator as CSV",
    "activities.roster_csv": "an activity's list of children as CSV",
}


def seed_activities(world, now: datetime) -> dict[str, dict[str, str]]:
    aw = build_activity_world(world)
    activity = make_activity(aw, title="Stage de judo", capacity=2, sessions=3, now=now)
    registration = Registration(activity_id=activity.id, child_id=world.child_a.id, guardian_id=world.parent_a.id,
                                status=RegistrationStatus.REQUESTED, price_cents=0)
    db.session.add(registration)
    db.session.flush()
    allocation.place_first_come(registration, now)
    db.session.add(RegistrationNote(registration_id=registration.id, body="Allergie aux arachides."))
    db.session.commit()
    lottery = {endpoint: values[0] for endpoint, values in lottery_walk_objects(aw).items()}
    # The drawn campaign's page shows the most: its result (the only campaign with a JSON).
    lottery["activities.campaign"] = lottery["activities.campaign_json"]
    by_activity = {"public_id": activity.public_id}
    roster = {"public_id": activity.public_id, "session_id": activity.sessions[0].public_id}
    return {**lottery, "activities.roster": roster, **{endpoint: by_activity for endpoint in (
        "activities.show", "activities.edit", "activities.publish", "activities.register", "activities.follow_up")}}

