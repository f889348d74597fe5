"""One row in every family table for parent_a and child_a, through the real services: what
the export, purge and erasure completeness tests seed."""
from __future__ import annotations

import io
from datetime import timedelta

from werkzeug.datastructures import FileStorage

from ent_lite.accounts.activation import issue_activation_code
from ent_lite.accounts.tokens import issue_token
from ent_lite.audience import keys
from ent_lite.consents.services import set_consent
from ent_lite.conversations import services as conversations
from ent_lite.core.db_types import utcnow
from ent_lite.dpo.models import RightsRequest
from ent_lite.extensions import db
from ent_lite.files import services as files
from ent_lite.forms.models import AnsweredPer, FormKind, PostForm, Question, QuestionKind, respondent_key
from ent_lite.forms.services import AnswerTarget, save_answers
from ent_lite.posts import photo_tags
from ent_lite.posts import services as posts
from ent_lite.posts.models import PostSignature
from ent_lite.school.models import RosterReview
from tests.activities.factories import build_activity_world
from tests.activities.privacy_rows import add_activity_rows
from tests.city_life.privacy_rows import add_city_life_rows
from tests.conversations.helpers import png_bytes
from tests.notifications.privacy_rows import add_notification_rows


def family_rows(app, world) -> dict[str, str]:
    """One row in every family table for parent_a and child_a; {table: public_id} where it has one."""
    now = utcnow() - timedelta(minutes=5)
    parent, child = world.parent_a, world.child_a
    made: dict[str, str] = {}
    issue_activation_code(parent, now, 30)
    issue_token(parent, "reset", now, timedelta(hours=1))

    post = posts.create_post(world.teacher_a, "Sortie au musée", "Bonjour.", [keys.group_key(world.class_a.id)], now,
                             posts.PostOptions(requires_ack=True, ack_due_dt=now + timedelta(days=3)))
    photo_tags.set_tags(post, [child])
    posts.record_read(parent, post, now)
    db.session.add(PostSignature(post_id=post.id, child_id=child.id, user_id=parent.id, signed_dt=now))
    form = PostForm(post_id=post.id, kind=FormKind.POLL, answered_per=AnsweredPer.CHILD,
                    deadline_dt=now + timedelta(days=3))
    form.questions = [Question(position=1, kind=QuestionKind.YES_NO, label="Cantine jeudi ?")]
    db.session.add(form)
    db.session.flush()
    target = AnswerTarget(key=respondent_key(child.id), can_answer=True, child_id=child.id)
    save_answers(form, parent, target, {form.questions[0].id: "yes"}, now)
    made["post"], made["post_form"] = post.public_id, form.public_id

    thread, message = conversations.start_child_thread(parent, child, world.school.id, "Cantine", "Awa a oublié son gilet.",
                                                       now, addressee_id=world.teacher_a.id)
    conversations.mark_read(thread, parent, now)
    with app.test_request_context(headers={"Accept-Language": "en"}):
        attachment = files.store_upload(FileStorage(io.BytesIO(png_bytes()), filename="gilet.png"), parent, now)
    attachment.message_id = message.id
    made["thread"], made["message"], made["attachment"] = thread.public_id, message.public_id, attachment.public_id

    record = set_consent(parent, "photo_publication", True, now, child=child, audience="class")
    made["consent_record"] = record.public_id
    made["user_account"], made["child"] = parent.public_id, child.public_id
    review = RosterReview(city_id=world.city.id, child_id=child.id, rank=2, last_name="Diallo", first_name="Moussa",
                          school_year="2026-2027")
    db.session.add(review)
    notified = add_notification_rows(parent, post, message, now)
    made["push_subscription"], made["notification_delivery"] = notified.device.public_id, notified.email.public_id

    request = RightsRequest(kind="other", city_id=parent.city_id, requester_id=parent.id, child_id=child.id,
                            message="Merci", received_dt=now, due_dt=now + timedelta(days=30))
    db.session.add(request)
    db.session.flush()
    made["rights_request"] = request.public_id
    db.session.commit()
    rows = add_activity_rows(build_activity_world(world), parent, child, now)
    made["registration"] = rows.registration.public_id
    life = add_city_life_rows(world, parent, child, now)
    made["absence_notice"] = life.notice.public_id
    return made
