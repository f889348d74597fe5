"""Inviting a staff member, called directly: the account placed where the inviter chose, the
email sent, and one audit entry saying where and whether the email left."""
from __future__ import annotations

import json

from sqlalchemy import select

from ent_lite.accounts import invitations
from ent_lite.accounts.models import Membership
from ent_lite.audit.models import AuditEntry
from ent_lite.core.db_types import utcnow


def test_a_director_invites_a_teacher_of_a_class(world, db, mailbox):
    scope = invitations.invite_scope(world.director)
    placement, problems = invitations.check_invitation(scope, "jeanne.barret@example.org", "teacher",
                                                       world.school.public_id, [world.class_a.public_id])
    assert problems == {}
    user, sent = invitations.invite(world.director, " Jeanne ", "Barret", "Jeanne.Barret@example.org",
                                    placement, utcnow())
    db.session.commit()
    assert sent and (user.first_name, user.email, user.password_hash) == ("Jeanne", "jeanne.barret@example.org", None)
    places = db.session.execute(select(Membership.establishment_id, Membership.group_id)
                                .where(Membership.user_id == user.id)).all()
    assert places == [(world.school.id, world.class_a.id)]
    assert len(mailbox.to("jeanne.barret@example.org")) == 1
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "admin.invite"))
    assert (entry.actor_ref, entry.target_ref) == (f"user:{world.director.public_id}", f"user:{user.public_id}")
    assert json.loads(entry.details) == {"role": "teacher", "establishment": world.school.public_id,
                                         "groups": [world.class_a.public_id], "email_sent": True}


def test_a_city_wide_role_is_placed_nowhere(world, db, mailbox):
    placement, _problems = invitations.check_invitation(invitations.invite_scope(world.admin), "agent@example.org",
                                                        "city_agent", None, [])
    user, sent = invitations.invite(world.admin, "Paul", "Agent", "agent@example.org", placement, utcnow())
    db.session.commit()
    assert sent and db.session.scalar(select(Membership).where(Membership.user_id == user.id)) is None
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "admin.invite"))
    assert json.loads(entry.details)["establishment"] is None
