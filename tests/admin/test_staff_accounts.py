"""An administrator disables a staff member who leaves, and may enable the account again."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from ent_lite.accounts.models import Role
from ent_lite.accounts.services import request_password_reset
from ent_lite.audit.models import AuditEntry
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db

from tests import factories
from tests.accounts.conftest import link_path

ENGLISH = {"Accept-Language": "en"}
REFUSED = "Incorrect email address or password."


def browser(app):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def log_in(client, user):
    return client.post("/login", data={"email": user.email, "password": factories.PASSWORD})


def entries(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def test_a_disabled_staff_member_is_logged_out_and_refused_then_enabled_again(app, world, login_as):
    teacher = world.teacher_a
    teachers_phone = browser(app)
    assert log_in(teachers_phone, teacher).status_code == 302
    assert teachers_phone.get("/account").status_code == 200
    admin = login_as(world.admin)

    page = admin.get("/admin/staff", headers=ENGLISH).get_data(as_text=True)
    assert teacher.display_name in page and f"/admin/staff/{teacher.public_id}/disable" in page
    done = admin.post(f"/admin/staff/{teacher.public_id}/disable", headers=ENGLISH, follow_redirects=True)
    assert "is disabled" in done.get_data(as_text=True)

    # The session they had open is over: the next page asks them to log in.
    assert teachers_phone.get("/account").headers["Location"].startswith("/login")
    # The right password is refused with the words any failed login gets, plus the way back.
    refused = log_in(browser(app), teacher)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 200 and REFUSED in html and "account was disabled" in html
    unknown = browser(app).post("/login", data={"email": "nobody@example.org", "password": "whatever it is"})
    assert REFUSED in unknown.get_data(as_text=True) and "account was disabled" in unknown.get_data(as_text=True)

    admin.post(f"/admin/staff/{teacher.public_id}/enable")
    assert log_in(browser(app), teacher).status_code == 302
    # Enabling gives back the password, never the sessions that were open before.
    assert teachers_phone.get("/account").headers["Location"].startswith("/login")

    (disabled,) = entries("admin.staff_disable")
    (enabled,) = entries("admin.staff_enable")
    for entry in (disabled, enabled):
        assert entry.actor_ref == f"user:{world.admin.public_id}"
        assert entry.target_ref == f"user:{teacher.public_id}" and entry.outcome == "success"


def test_a_reset_link_sent_before_the_account_was_disabled_stays_dead(app, world, login_as, mailbox):
    teacher = world.teacher_a
    request_password_reset(teacher.email, utcnow())
    db.session.commit()
    path = link_path(mailbox.to(teacher.email)[0], "/password/reset/")
    admin = login_as(world.admin)
    admin.post(f"/admin/staff/{teacher.public_id}/disable")
    admin.post(f"/admin/staff/{teacher.public_id}/enable")
    assert browser(app).get(path).status_code == 410


@pytest.mark.parametrize("role", ["director", "teacher_b", "parent_a", "animator", "city_agent", "dpo"])
def test_only_an_administrator_disables_staff(world, login_as, role):
    client = login_as(getattr(world, role))
    assert client.get("/admin/staff").status_code == 404
    assert client.post(f"/admin/staff/{world.teacher_a.public_id}/disable").status_code == 404
    db.session.refresh(world.teacher_a)
    assert world.teacher_a.is_enabled


def test_an_administrator_of_another_city_cannot_reach_this_citys_staff(world, login_as):
    elsewhere = factories.make_city("Autreville")
    other_admin = factories.make_user(elsewhere, Role.ADMIN, "Otto", "Autre")
    db.session.commit()
    client = login_as(other_admin)
    assert world.teacher_a.display_name not in client.get("/admin/staff").get_data(as_text=True)
    assert client.post(f"/admin/staff/{world.teacher_a.public_id}/disable").status_code == 404
    db.session.refresh(world.teacher_a)
    assert world.teacher_a.is_enabled and not entries("admin.staff_disable")


def test_guardians_and_the_administrator_themself_are_not_disabled_here(world, login_as):
    client = login_as(world.admin)
    for user in (world.parent_a, world.admin):
        assert client.post(f"/admin/staff/{user.public_id}/disable").status_code == 404
        db.session.refresh(user)
        assert user.is_enabled


def test_disabling_is_a_post_with_a_csrf_token(world, login_as):
    client = login_as(world.admin)
    assert client.get(f"/admin/staff/{world.teacher_a.public_id}/disable").status_code == 405
    assert client.post(f"/admin/staff/{world.teacher_a.public_id}/disable", csrf=False).status_code == 400
    db.session.refresh(world.teacher_a)
    assert world.teacher_a.is_enabled


def test_a_disabled_invitee_is_not_offered_a_new_invitation_link(world, login_as, mailbox):
    invitee = factories.make_user(world.city, Role.TEACHER, "Iris", "Invitée", activated=False)
    db.session.commit()
    client = login_as(world.admin)
    client.post(f"/admin/staff/{invitee.public_id}/disable")
    assert client.post(f"/staff/invite/{invitee.public_id}/resend").status_code == 404
    assert not mailbox.to(invitee.email)


def test_the_register_says_staff_accounts_are_disabled_when_they_leave(client, db):
    html = client.get("/privacy", headers=ENGLISH).get_data(as_text=True)
    assert "staff accounts disabled by an administrator when they leave" in html
