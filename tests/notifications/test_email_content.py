"""The notification mail: one generic line per item, merged sources, headers, language,
and only what was not seen in the app meanwhile."""
from __future__ import annotations

from datetime import timedelta
from email.utils import parsedate_to_datetime

from ent_lite.conversations import services as conversations
from ent_lite.extensions import db
from ent_lite.notifications import content, unsubscribe
from ent_lite.notifications.models import Delivery
from ent_lite.posts import signatures
from ent_lite.posts.models import PostRead
from tests import factories
from tests.notifications import mail_helpers as h
from tests.posts.helpers import add_city_service
from tests.queries import recorded_statements


def build(delivery: Delivery) -> content.Send:
    [send] = content.gather([db.session.get(Delivery, delivery.id)])
    return send


def text_and_html(message) -> tuple[str, str]:
    return (message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content())


def test_a_digest_merges_school_city_and_messages_into_one_mail(world):
    service = add_city_service(world)
    school_post = h.post(world.teacher_a, world.class_a)
    city_post = h.post(world.city_agent, world.class_a, establishment=service)
    _, first = h.message(world)
    delivery = h.deliver(world.parent_a, h.post_event(school_post), h.post_event(city_post), h.message_event(first))
    world.parent_a.locale = "fr"
    db.session.commit()

    mail = h.received(content.email_message(build(delivery), h.NOW))

    text, html = text_and_html(mail)
    for part in (text, html):
        assert "Nouvelle actualité — École Jules Ferry" in part
        assert "Nouvelle actualité — Service Éducation" in part
        assert "Nouveau message — École Jules Ferry" in part
        assert "http://localhost/news/" + school_post.public_id in part
        assert "http://localhost/notifications\n" in part or "http://localhost/notifications<" in part or '"http://localhost/notifications"' in part
    assert mail["Subject"] == "3 nouveautés vous attendent sur ENT de Ville"
    assert mail["To"] == world.parent_a.email


def test_headers_date_stable_message_id_and_one_click_unsubscribe(world):
    delivery = h.deliver(world.parent_a, h.post_event(h.post(world.teacher_a, world.class_a)), digest=False)
    db.session.commit()

    first = h.received(content.email_message(build(delivery), h.NOW))
    again = content.email_message(build(delivery), h.NOW + timedelta(minutes=5))  # a retry after a crash

    assert first["Message-ID"] == again["Message-ID"] == f"<{delivery.public_id}@localhost>"
    assert parsedate_to_datetime(first["Date"]) == h.NOW
    assert first["List-Unsubscribe"] == f"<{unsubscribe.link(world.parent_a)}>"
    assert first["List-Unsubscribe"].startswith("<http://localhost/notifications/unsubscribe/")
    assert first["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert first.get_body(("html",)) is not None and first.get_body(("plain",)) is not None


def test_an_urgent_post_sent_at_once_says_so_in_the_subject_in_english(world):
    item = h.post(world.teacher_a, world.class_a, is_urgent=True)
    delivery = h.deliver(world.parent_b, h.post_event(item), digest=False)
    world.parent_b.locale = "en"
    db.session.commit()

    mail = h.received(content.email_message(build(delivery), h.NOW))

    assert mail["Subject"] == "Urgent message — École Jules Ferry"
    assert "Log in to Ville school portal to read it" in text_and_html(mail)[0]


def test_what_was_seen_in_the_app_is_left_out_of_the_digest(world):
    opened = h.post(world.teacher_a, world.class_a, title="lu")
    unopened = h.post(world.teacher_a, world.class_a, title="pas lu")
    thread, first = h.message(world)
    signed = h.post(world.teacher_a, world.class_a, requires_ack=True)
    unsigned = h.post(world.teacher_a, world.class_a, requires_ack=True)
    delivery = h.deliver(world.parent_a, h.post_event(opened), h.post_event(unopened), h.message_event(first),
                         h.reminder_event(signed, world.teacher_a), h.reminder_event(unsigned, world.teacher_a))
    # Read in the app before the digest goes out: the post opened, the thread opened after the
    # message, and the other guardian signed for the only child (one signature is enough).
    db.session.add(PostRead(post_id=opened.id, user_id=world.parent_a.id, read_dt=h.NOW - timedelta(minutes=10)))
    conversations.mark_read(thread, world.parent_a, h.NOW - timedelta(minutes=5))
    db.session.add(signatures.PostSignature(post_id=signed.id, child_id=world.child_a.id,
                                            user_id=world.parent_a2.id))
    db.session.commit()

    left = content.still_to_tell(build(delivery))

    assert [(i.event.kind, i.event.post_id) for i in left] == [("post", unopened.id), ("reminder", unsigned.id)]


def test_a_message_written_after_the_thread_was_read_is_still_told(world):
    thread, first = h.message(world)
    conversations.mark_read(thread, world.parent_a, h.NOW - timedelta(hours=2))  # before the message
    delivery = h.deliver(world.parent_a, h.message_event(first))
    db.session.commit()

    assert len(content.still_to_tell(build(delivery))) == 1


def test_after_unsubscribing_tonight_digest_is_left_empty_but_urgent_still_goes(world):
    news = h.post(world.teacher_a, world.class_a)
    urgent = h.post(world.teacher_a, world.class_a, is_urgent=True)
    digest = h.deliver(world.parent_a, h.post_event(news))
    at_once = h.deliver(world.parent_a, h.post_event(urgent), digest=False)
    unsubscribe.turn_email_off(world.parent_a, h.NOW)
    db.session.commit()

    sends = content.gather([db.session.get(Delivery, digest.id), db.session.get(Delivery, at_once.id)])

    assert [len(content.still_to_tell(s)) for s in sends] == [0, 1]


def test_a_batch_costs_the_same_queries_for_two_people_or_forty(world):
    items = [h.post(world.teacher_a, world.class_a, requires_ack=True) for _ in range(3)]
    _, first = h.message(world)
    events = [h.post_event(i) for i in items] + [h.message_event(first), h.reminder_event(items[0], world.teacher_a)]
    guardians = [world.parent_a, world.parent_a2]
    db.session.commit()

    def statements_for(people) -> int:
        deliveries = [h.deliver(person, *events) for person in people]
        db.session.commit()
        db.session.expire_all()
        loaded = db.session.query(Delivery).filter(Delivery.id.in_([d.id for d in deliveries])).all()
        with recorded_statements() as statements:
            sends = content.gather(loaded)
            for send in sends:  # as the sender calls it: one send at a time
                h.received(content.email_message(send, h.NOW))
        assert all(len(s.remaining) == len(events) for s in sends)
        return len(statements)

    many = [factories.make_user(world.city, "guardian") for _ in range(40)]
    for rank, person in enumerate(many, start=3):
        db.session.add(signatures.GuardianLink(child_id=world.child_a.id, user_id=person.id, rank=rank,
                                               relation="tante", legal_authority=True))
    small = statements_for(guardians)
    large = statements_for(many)
    assert small == large
    assert small <= 10
