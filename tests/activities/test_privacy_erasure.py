"""Erasure and activities: an erased child's place goes to the next family waiting; an erased
guardian's children keep their registrations for the other guardian."""
from __future__ import annotations

from sqlalchemy import func, select

from ent_lite.activities.models import (
    Activity,
    Attendance,
    BracketDeclaration,
    LotteryEntry,
    Registration,
    RegistrationNote,
    RegistrationStatus,
)
from ent_lite.core.db_types import utcnow
from ent_lite.erasure.services import erase_child, erase_guardian
from ent_lite.extensions import db
from ent_lite.notifications.models import NotificationEvent
from tests.activities.factories import make_activity
from tests.activities.privacy_rows import add_activity_rows, enrol


def count(model, *criteria) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*criteria))


def test_erasing_a_child_frees_its_place_for_the_first_child_waiting(aw):
    w = aw.world
    now = utcnow()
    activity = make_activity(aw, capacity=1, now=now)
    held = enrol(activity, w.child_a, w.parent_a, now, note="Allergie aux arachides")
    waiting = enrol(activity, w.child_b, w.parent_b, now)
    db.session.add(Attendance(session_id=activity.sessions[0].id, registration_id=held.id, present=True))
    db.session.add(NotificationEvent(kind="activity", category="todo", registration_id=held.id, due_dt=now,
                                     created_dt=now, not_before_dt=now))
    db.session.commit()
    held_id, child_id = held.id, w.child_a.id
    erase_child(w.child_a, now=now, actor=None)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Registration, held_id) is None
    for model, column in ((RegistrationNote, RegistrationNote.registration_id), (Attendance, Attendance.registration_id),
                          (NotificationEvent, NotificationEvent.registration_id)):
        assert count(model, column == held_id) == 0, model
    offer = db.session.get(Registration, waiting.id)
    assert offer.status == RegistrationStatus.OFFERED and offer.offer_expires_dt is not None
    assert db.session.get(Activity, activity.id).places_taken == 1
    assert count(Registration, Registration.child_id == child_id) == 0


def test_erasing_a_waiting_child_frees_no_place(aw):
    w = aw.world
    now = utcnow()
    activity = make_activity(aw, capacity=1, now=now)
    enrol(activity, w.child_b, w.parent_b, now)
    enrol(activity, w.child_a, w.parent_a, now)  # waiting
    db.session.commit()
    erase_child(w.child_a, now=now, actor=None)
    db.session.commit()
    assert db.session.get(Activity, activity.id).places_taken == 1


def test_erasing_a_guardian_keeps_the_childs_registration_for_the_other_guardian(aw):
    w = aw.world
    rows = add_activity_rows(aw, w.parent_a, w.child_a, utcnow())
    registration_id = rows.registration.id
    erase_guardian(w.parent_a, now=utcnow(), actor=None)
    db.session.commit()
    db.session.expire_all()
    registration = db.session.get(Registration, registration_id)
    assert registration.guardian_id is None and registration.status == RegistrationStatus.CONFIRMED
    assert count(BracketDeclaration) == 0
    assert count(LotteryEntry) == 1  # the child's ticket


def test_a_place_offered_while_the_child_is_erased_is_freed_not_counted_forever(app, aw):
    """PostgreSQL: the offer to the erased child is being written when the erasure reads the
    child's registrations; the erasure waits for it (FOR UPDATE) and frees the place it took.
    Without the lock it read "waiting", deleted the offer and the place stayed taken."""
    import threading

    from sqlalchemy import text, update

    from ent_lite.activities import allocation
    from ent_lite.school.models import Child

    w = aw.world
    now = utcnow()
    activity = make_activity(aw, capacity=1, now=now)
    waiting = enrol(activity, w.child_b, w.parent_b, now, status=RegistrationStatus.WAITING)
    db.session.commit()
    activity_id, waiting_id, child_id = activity.id, waiting.id, w.child_b.id
    # This session offers the free place to child_b, not committed yet.
    assert allocation.take_place(activity_id)
    db.session.execute(update(Registration).where(Registration.id == waiting_id)
                       .values(status=RegistrationStatus.OFFERED))

    failures = []

    def erase():
        with app.app_context():
            try:
                erase_child(db.session.get(Child, child_id), now=now, actor=None)
                db.session.commit()
            except BaseException as error:  # noqa: BLE001 - reported by the test's thread
                failures.append(error)

    postgresql = db.session.get_bind().dialect.name == "postgresql"
    if postgresql:
        eraser = threading.Thread(target=erase)
        eraser.start()
        while eraser.is_alive() and not db.session.scalar(text(  # wait until the erasure waits for this transaction's lock
                "SELECT count(*) FROM pg_locks WHERE NOT granted")):
            eraser.join(0.01)
        db.session.commit()
        eraser.join()
    else:  # SQLite serialises writers: the offer commits, then the erasure runs
        db.session.commit()
        erase()
    assert failures == []
    db.session.rollback()
    assert count(Registration, Registration.id == waiting_id) == 0
    assert db.session.get(Activity, activity_id).places_taken == 0
