"""The author's tracking page and the signature reminder (recorded for the notification worker)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from ent_lite.audience import keys
from ent_lite.audience.keys import ChildPlace
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.notifications.models import Category, EventKind, NotificationEvent
from ent_lite.posts import services, signatures, tracking
from ent_lite.posts.models import Post
from ent_lite.school.models import GuardianLink
from tests import factories
from tests.posts.helpers import add_city_service
from tests.queries import recorded_statements


def sign(client, post, child):
    return client.post(f"/news/{post.public_id}/sign", data={"child": child.public_id})


def tracking_page(client, post) -> str:
    response = client.get(f"/news/{post.public_id}/tracking")
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.fixture
def zoe(world, db):
    """A second child of class A: Zoé, whose mother has legal authority and whose stepfather has not."""
    mother = factories.make_user(world.city, "guardian", "Sofia", "Garcia", email="sofia@example.org")
    stepfather = factories.make_user(world.city, "guardian", "Marc", "Garcia", email="marc@example.org")
    child = factories.make_child(world.city, world.class_a, "Zoé", "Garcia", guardians=[mother, stepfather])
    link = db.session.scalar(select(GuardianLink).where(GuardianLink.user_id == stepfather.id))
    link.legal_authority = False
    link.relation = "beau-père"
    db.session.commit()
    return child, mother, stepfather


def test_the_author_sees_read_and_signed_per_child(world, ack_post, zoe, login_as, english):
    post = ack_post()
    parent = login_as(world.parent_a)
    parent.get(f"/news/{post.public_id}")
    sign(parent, post, world.child_a)
    page = tracking_page(login_as(world.teacher_a), post)
    assert "Read by 1 of 2 families" in page and "Signed for 1 of 2 children" in page
    assert '<th scope="row">Diallo Awa</th>' in page and '<th scope="row">Garcia Zoé</th>' in page
    awa, zoe_row = page.split("Diallo Awa")[1].split("</tr>")[0], page.split("Garcia Zoé")[1].split("</tr>")[0]
    assert "CP A" in awa and "<td>Read</td>" in awa and "Signed" in awa and "by the mother" in awa
    assert "<td>Not yet</td>" in zoe_row and "Signed" not in zoe_row
    assert "Fatou" not in page and "@" not in page  # who signed is a relation, never a name or address


def test_every_guardian_mode_shows_a_partly_signed_child(world, ack_post, login_as, english):
    post = ack_post(every_guardian=True)
    sign(login_as(world.parent_a), post, world.child_a)
    page = tracking_page(login_as(world.teacher_a), post)
    assert "Partly signed" in page and "Signed for 0 of 1 child" in page
    sign(login_as(world.parent_a2), post, world.child_a)
    page = tracking_page(login_as(world.teacher_a), post)
    assert "Signed for 1 of 1 child" in page and "by the father" in page


def test_a_signature_for_a_sibling_does_not_count_for_the_other_child(world, ack_post, login_as, english):
    """Every guardian must sign: Fatou signs for Issa (her only legal guardian) and Awa's father
    for Awa; Awa still waits for Fatou, so only Issa is signed."""
    issa = factories.make_child(world.city, world.class_a, "Issa", "Diallo", guardians=[world.parent_a])
    db.session.commit()
    post = ack_post(every_guardian=True)
    sign(login_as(world.parent_a), post, issa)
    sign(login_as(world.parent_a2), post, world.child_a)
    page = tracking_page(login_as(world.teacher_a), post)
    assert "Signed for 1 of 2 children" in page
    awa = page.split("Diallo Awa")[1].split("</tr>")[0]
    assert "Partly signed" in awa
    assert tracking.tracking_counts(post).signed == 1


def test_the_director_may_track_a_post_of_their_school(world, ack_post, login_as, english):
    assert "Diallo Awa" in tracking_page(login_as(world.director), ack_post())


@pytest.mark.parametrize("role", ["teacher_b", "other_teacher", "parent_a", "admin", "dpo", "animator"])
def test_others_get_404_on_tracking_and_reminder(world, ack_post, login_as, mailbox, role):
    post = ack_post()
    client = login_as(getattr(world, role))
    mailbox.clear()  # an admin or DPO is told their second factor was just set up
    assert client.get(f"/news/{post.public_id}/tracking").status_code == 404
    assert client.post(f"/news/{post.public_id}/remind").status_code == 404
    assert mailbox == [] and db.session.get(Post, post.id).reminded_dt is None and reminder_events(post) == []


def test_a_city_agent_sees_counts_but_no_child_names(world, login_as, english, db):
    add_city_service(world)
    post = services.create_post(world.city_agent, "Inscriptions", "x", [keys.ALL_KEY], utcnow(),
                                services.PostOptions(requires_ack=True))
    db.session.commit()
    page = tracking_page(login_as(world.city_agent), post)
    assert "Signed for 0 of 3 children" in page
    assert "Awa" not in page and "Diallo" not in page and "The list of children is shown" in page


def reminder_events(post) -> list[NotificationEvent]:
    db.session.expire_all()
    return list(db.session.scalars(select(NotificationEvent).where(
        NotificationEvent.post_id == post.id, NotificationEvent.kind == EventKind.REMINDER)))


def recipients(post) -> list[int]:
    return [user.id for user in db.session.scalars(tracking.reminder_recipients(post))]


def test_the_reminder_goes_to_legal_guardians_who_have_not_signed(world, ack_post, zoe, login_as, mailbox, english):
    child, mother, stepfather = zoe
    post = ack_post(title="Sortie secrète à la ferme")
    sign(login_as(world.parent_a), post, world.child_a)  # Awa is done: her parents get nothing
    response = login_as(world.teacher_a).post(f"/news/{post.public_id}/remind", follow_redirects=True)
    assert "The reminder will be sent to 1 family that has not signed yet." in response.get_data(as_text=True)
    # No mail while the author waits: one outbox row, the worker tells the guardians later.
    assert mailbox == []
    [event] = reminder_events(post)
    assert (event.actor_id, event.category, event.fanned_out_dt) == (world.teacher_a.id, Category.TODO, None)
    assert event.due_dt == post.ack_due_dt
    assert recipients(post) == [mother.id]  # the stepfather has no legal authority
    assert db.session.get(Post, post.id).reminded_dt is not None


def test_the_reminder_counts_families_not_guardians(world, ack_post, zoe, login_as, english):
    """Awa's two parents are one family, Zoé's mother another: 2 families, 3 guardians."""
    post = ack_post()
    assert len(recipients(post)) == 3 and tracking.reminder_families(post) == 2
    response = login_as(world.teacher_a).post(f"/news/{post.public_id}/remind", follow_redirects=True)
    assert "The reminder will be sent to 2 families that have not signed yet." in response.get_data(as_text=True)


def test_every_guardian_mode_reminds_the_guardian_who_has_not_signed(world, ack_post, login_as):
    post = ack_post(every_guardian=True)
    sign(login_as(world.parent_a), post, world.child_a)
    login_as(world.teacher_a).post(f"/news/{post.public_id}/remind")
    assert len(reminder_events(post)) == 1 and recipients(post) == [world.parent_a2.id]


def test_a_second_reminder_within_24_hours_is_refused(world, ack_post, login_as, english):
    post = ack_post()
    client = login_as(world.teacher_a)
    client.post(f"/news/{post.public_id}/remind")
    assert len(reminder_events(post)) == 1
    response = client.post(f"/news/{post.public_id}/remind", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "A reminder was already sent less than 24 hours ago." in page and "The next one can be sent from" in page
    assert len(reminder_events(post)) == 1
    # A day later the author may remind again (time moved through the service's ``now``).
    post = db.session.get(Post, post.id)
    assert tracking.request_reminder(post, world.teacher_a, utcnow() + timedelta(hours=25)) == 1
    db.session.commit()
    assert len(reminder_events(post)) == 2


def test_a_rolled_back_reminder_records_nothing(world, ack_post):
    post = ack_post()
    assert tracking.request_reminder(post, world.teacher_a, utcnow()) == 1
    db.session.rollback()
    assert reminder_events(post) == [] and db.session.get(Post, post.id).reminded_dt is None


def test_no_reminder_is_recorded_when_everyone_has_signed(world, ack_post, login_as, english):
    post = ack_post()
    sign(login_as(world.parent_a2), post, world.child_a)
    response = login_as(world.teacher_a).post(f"/news/{post.public_id}/remind", follow_redirects=True)
    assert "Every family has signed" in response.get_data(as_text=True)
    assert reminder_events(post) == [] and db.session.get(Post, post.id).reminded_dt is None


def test_guardians_who_cannot_log_in_are_not_reminded(world, ack_post, login_as, english):
    post = ack_post()
    world.parent_a2.is_enabled = False
    world.parent_a.password_hash = None  # not activated yet
    db.session.commit()
    response = login_as(world.teacher_a).post(f"/news/{post.public_id}/remind", follow_redirects=True)
    assert "Nobody can be reminded" in response.get_data(as_text=True) and "paper copy" in response.get_data(as_text=True)
    assert recipients(post) == [] and reminder_events(post) == []
    assert db.session.get(Post, post.id).reminded_dt is None


def test_a_post_without_signature_has_no_reminder(world, class_post, login_as, english):
    client = login_as(world.teacher_a)
    assert "Send a reminder" not in tracking_page(client, class_post)
    response = client.post(f"/news/{class_post.public_id}/remind", follow_redirects=True)
    assert "There is nothing to remind" in response.get_data(as_text=True) and reminder_events(class_post) == []


def statements_of(client, url) -> list[str]:
    db.session.expire_all()
    with recorded_statements() as seen:
        assert client.get(url).status_code == 200
    return seen


@pytest.mark.parametrize("every_guardian", [False, True])
def test_the_tracking_page_costs_the_same_for_1_or_30_children(world, ack_post, login_as, english, every_guardian):
    post = ack_post(every_guardian=every_guardian)
    url = f"/news/{post.public_id}/tracking"
    client = login_as(world.teacher_a)
    one = statements_of(client, url)
    now = utcnow()
    for n in range(29):
        parent = factories.make_user(world.city, "guardian", f"Parent{n}")
        child = factories.make_child(world.city, world.class_a, f"Enfant{n}", guardians=[parent])
        if n % 3 == 0:  # written through the services, as the guardian's requests would
            services.record_read(parent, post, now)
            signatures.sign(parent, post, [child.public_id], [ChildPlace(child.id, child.first_name, None)], now)
    db.session.commit()
    thirty = statements_of(client, url)
    page = client.get(url).get_data(as_text=True)
    assert "Enfant28" in page and "Read by 10 of 30 families" in page
    assert len(thirty) == len(one), "\n".join(thirty)
