"""Every change of a registration's status tells the child's guardians through the outbox, at
once, in a mail that names neither the child nor the activity (PRIVACY.md 18)."""
from datetime import timedelta

from ent_lite.activities import allocation, registration
from ent_lite.extensions import db
from ent_lite.notifications import worker
from tests.activities.factories import make_activity
from tests.notifications.worker_helpers import TUESDAY_10H


def text_of(message) -> str:
    return "\n".join(part.get_content() for part in message.walk() if part.get_content_maintype() == "text")


def register(activity, child, guardian, now):
    outcome, = registration.register(guardian, activity, [child], activity.prices[0].bracket, 0, {}, now)
    db.session.commit()
    return outcome.registration


def test_the_other_guardian_is_mailed_at_once_without_names(aw, mailbox):
    activity = make_activity(aw, title="Judo du mercredi", now=TUESDAY_10H)
    register(activity, aw.world.child_a, aw.world.parent_a, TUESDAY_10H)

    figures = worker.run_once(TUESDAY_10H)

    assert figures.sent == 1  # parent_a registered: only parent_a2 is told
    (mail,) = mailbox
    assert mail["To"] == aw.world.parent_a2.email
    body = text_of(mail)
    assert "Service des sports" in mail["Subject"] and "http://localhost/activites/mes-inscriptions" in body
    for secret in ("Awa", "Diallo", "Judo", "mercredi"):
        assert secret not in body and secret not in mail["Subject"]


def test_an_offer_tells_the_waiting_family_and_its_expiry_goes_out_in_the_worker_round(aw, mailbox):
    activity = make_activity(aw, capacity=1, now=TUESDAY_10H)
    first = register(activity, aw.world.child_a, aw.world.parent_a, TUESDAY_10H)
    waiting = register(activity, aw.world.child_b, aw.world.parent_b, TUESDAY_10H)
    worker.run_once(TUESDAY_10H)
    mailbox.clear()

    allocation.cancel(first, aw.world.parent_a, TUESDAY_10H)
    db.session.commit()
    worker.run_once(TUESDAY_10H)
    assert sorted(m["To"] for m in mailbox) == sorted([aw.world.parent_a2.email, aw.world.parent_b.email])

    mailbox.clear()
    # Two days later, at 10:00 (outside quiet hours): the round expires the offer and says so.
    worker.run_once(TUESDAY_10H + timedelta(hours=48))
    db.session.refresh(waiting)
    assert waiting.status == "expired"
    assert [m["To"] for m in mailbox] == [aw.world.parent_b.email]
