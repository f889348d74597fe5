"""The last place goes to exactly one family, even when many register at the same instant;
an offer is accepted once and expires once, whoever tries at the same moment (each thread has
its own connection, as concurrent requests or workers do)."""
from sqlalchemy import func, select

from ent_lite.activities import allocation
from ent_lite.activities.models import Activity, Registration, RegistrationStatus
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from tests import factories
from tests.activities.factories import make_activity
from tests.concurrency import at_once

S = RegistrationStatus
FAMILIES = 6


def families(aw, count):
    found = []
    for n in range(count):
        parent = factories.make_user(aw.world.city, "guardian", "Parent", f"Famille{n}")
        child = factories.make_child(aw.world.city, aw.world.class_a, "Enfant", f"Famille{n}", guardians=(parent,))
        found.append((parent, child))
    db.session.commit()
    return found


def statuses(activity_id):
    db.session.rollback()  # read what the other connections committed
    return db.session.scalars(select(Registration).where(Registration.activity_id == activity_id)
                              .order_by(Registration.id)).all()


def test_families_registering_at_once_for_the_last_place_one_wins(app, aw, login_as):
    activity = make_activity(aw, capacity=1)
    clients = []
    for parent, child in families(aw, FAMILIES):
        clients.append((login_as(parent, target=app.test_client()), child.public_id))
    url = f"/activites/{activity.public_id}/inscrire"
    bracket = aw.brackets[0].public_id
    responses = at_once([lambda c=c, child=child: c.post(url, data={"child": child, "bracket": bracket,
                                                                      "bracket_change": "1"})
                         for c, child in clients])
    assert [r.status_code for r in responses] == [302] * FAMILIES  # never a 500
    rows = statuses(activity.id)
    assert [r.status for r in rows].count(S.CONFIRMED) == 1
    waiting = [r for r in rows if r.status == S.WAITING]
    assert len(waiting) == FAMILIES - 1
    assert sorted(allocation.waiting_position(r) for r in waiting) == list(range(1, FAMILIES))
    assert db.session.get(Activity, activity.id).places_taken == 1


def offered(aw):
    """child_b holds an offer for the activity's only place."""
    now = utcnow()
    activity = make_activity(aw, capacity=1)
    row = Registration(activity_id=activity.id, child_id=aw.world.child_b.id, status=S.WAITING, queue_rank=1)
    db.session.add(row)
    db.session.commit()
    allocation.offer_free_places(activity.id, now)
    db.session.commit()
    assert row.status == S.OFFERED
    return activity, row


def in_own_context(app, call):
    """Run ``call`` in a new app context: its own session and connection, committed."""
    def run():
        with app.app_context():
            result = call()
            db.session.commit()
            return result
    return run


def test_two_accepts_of_one_offer_confirm_it_once(app, aw):
    activity, row = offered(aw)
    now = utcnow()
    parent_id, row_id = aw.world.parent_b.id, row.id

    def accept():
        return allocation.accept_offer(db.session.get(Registration, row_id), db.session.get(type(aw.world.parent_b), parent_id), now)

    results = at_once([in_own_context(app, accept) for _ in range(4)])
    assert sorted(results) == [False, False, False, True]
    (found,) = statuses(activity.id)
    assert found.status == S.CONFIRMED
    assert db.session.get(Activity, activity.id).places_taken == 1


def test_two_workers_expiring_at_once_expire_each_offer_once(app, aw):
    activity, row = offered(aw)
    next_one = Registration(activity_id=activity.id, child_id=aw.world.child_a.id, status=S.WAITING, queue_rank=2)
    db.session.add(next_one)
    db.session.commit()
    deadline = row.offer_expires_dt

    results = at_once([in_own_context(app, lambda: allocation.expire_offers(deadline)) for _ in range(3)])
    assert sum(results) == 1
    rows = statuses(activity.id)
    assert [r.status for r in rows] == [S.EXPIRED, S.OFFERED]
    assert db.session.get(Activity, activity.id).places_taken == 1
    assert db.session.scalar(select(func.count()).select_from(Registration)
                             .where(Registration.status == S.OFFERED)) == 1
