"""The demo's worker: old seeded posts tell nobody again, the printed parent is told at once."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from ent_lite.accounts.models import Role
from ent_lite.conversations import services as conversations
from ent_lite.core.db_types import utcnow
from ent_lite.demo.accounts import printed_by_role
from ent_lite.notifications.models import Notification, NotificationEvent
from ent_lite.notifications.worker import run_once
from ent_lite.school.models import City, GuardianLink

from tests.demo.test_seed_demo import seed


def test_seeded_posts_older_than_two_days_are_not_announced_again(runner, db, mailbox):
    seed(runner)
    now = utcnow()
    run_once(now)
    old_events = select(NotificationEvent.id).where(NotificationEvent.not_before_dt < now - timedelta(days=2))
    assert db.session.scalars(old_events).all()
    assert not db.session.scalars(select(Notification.id).where(Notification.event_id.in_(old_events))).all()


def test_the_printed_parent_gets_a_mail_as_soon_as_the_teacher_writes(runner, db, mailbox):
    seed(runner)
    people = printed_by_role(db.session.scalar(select(City)))
    parent, teacher = people[Role.GUARDIAN][0], people[Role.TEACHER][0]
    now = utcnow()
    run_once(now)  # what the seed left to tell
    mailbox.clear()
    child = next(link.child for link in db.session.scalars(select(GuardianLink).where(GuardianLink.user_id == parent.id))
                 if teacher.memberships and any(e.group_id == m.group_id for e in link.child.enrolments
                                                for m in teacher.memberships))
    establishment_id = teacher.memberships[0].establishment_id
    conversations.start_child_thread(teacher, child, establishment_id, "Rendez-vous", "Bonjour", now)
    db.session.commit()
    run_once(now)
    assert [m["To"] for m in mailbox] == [parent.email]
