"""Login, logout, password and second-factor events in the audit log (PRIVACY.md 33)."""
from __future__ import annotations

import json
import re

import pyotp
from sqlalchemy import select

from ent_lite.audit.models import AuditEntry
from tests import factories
from tests.accounts.conftest import NEW_PASSWORD, link_path

WRONG_PASSWORD = "not the password at all"


def entries(db, action=None):
    query = select(AuditEntry).order_by(AuditEntry.id)
    if action:
        query = query.where(AuditEntry.action == action)
    return db.session.scalars(query).all()


def ref(user) -> str:
    return f"user:{user.public_id}"


def as_text(entry) -> str:
    return " ".join(str(getattr(entry, column.name)) for column in AuditEntry.__table__.columns)


def test_a_login_is_recorded_with_the_account(client, world, db):
    client.post("/login", data={"email": world.parent_a.email, "password": factories.PASSWORD})
    (entry,) = entries(db, "login.success")
    assert entry.actor_ref == ref(world.parent_a) and entry.target_ref == ref(world.parent_a)
    assert entry.outcome == "success" and entry.actor_role == "guardian"


def test_a_failed_login_names_the_account_if_known_never_what_was_typed(client, world, db):
    client.post("/login", data={"email": world.parent_a.email.upper(), "password": WRONG_PASSWORD})
    client.post("/login", data={"email": "nobody-here@example.org", "password": WRONG_PASSWORD})
    known, unknown = entries(db, "login.failure")
    assert known.target_ref == ref(world.parent_a) and known.actor_ref is None and known.outcome == "failure"
    assert unknown.target_ref is None and unknown.actor_ref is None and unknown.outcome == "failure"
    for entry in (known, unknown):
        text = as_text(entry).lower()
        assert "@" not in text and "example.org" not in text and WRONG_PASSWORD not in text
    assert not entries(db, "login.success")


def test_logout_and_logout_everywhere_are_recorded(client, world, db, login_as):
    login_as(world.teacher_a)
    client.post("/logout")
    login_as(world.teacher_a)
    client.post("/account/logout-everywhere")
    first, second = entries(db, "logout")
    assert first.actor_ref == ref(world.teacher_a) and json.loads(first.details) == {}
    assert second.actor_ref == ref(world.teacher_a) and json.loads(second.details) == {"everywhere": True}
    # Logging out without a session records nothing.
    client.post("/logout")
    assert len(entries(db, "logout")) == 2


def test_a_password_change_is_recorded(client, world, db, login_as, mailbox):
    login_as(world.parent_a)
    client.post("/account/password", data={"current_password": factories.PASSWORD, "password": NEW_PASSWORD,
                                           "confirm": NEW_PASSWORD})
    (entry,) = entries(db, "password.change")
    assert entry.actor_ref == ref(world.parent_a) and entry.target_ref == ref(world.parent_a)
    assert NEW_PASSWORD not in as_text(entry)


def test_a_password_reset_is_recorded(client, world, db, mailbox):
    client.post("/password/forgot", data={"email": world.parent_a.email})
    path = link_path(mailbox.to(world.parent_a.email)[0], "/password/reset/")
    client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    (entry,) = entries(db, "password.reset")
    assert entry.target_ref == ref(world.parent_a)
    token = path.rsplit("/", 1)[1]
    assert token not in as_text(entry) and NEW_PASSWORD not in as_text(entry)


def test_second_factor_events(client, other_client, world, db):
    client.post("/login", data={"email": world.admin.email, "password": factories.PASSWORD})
    # The password alone is not a login yet.
    assert not entries(db, "login.success")
    client.post("/login/two-factor/setup/key")
    html = client.get("/login/two-factor/setup").get_data(as_text=True)
    secret = re.search(r'<p class="code" translate="no">([A-Z2-7 ]+)</p>', html).group(1).replace(" ", "")
    client.post("/login/two-factor/setup", data={"code": "000000" if pyotp.TOTP(secret).now() != "000000"
                                                 else "111111"})
    done = client.post("/login/two-factor/setup", data={"code": pyotp.TOTP(secret).now()})
    codes = re.findall(r"<li>([a-z0-9-]{19})</li>", done.get_data(as_text=True))

    (failure,) = entries(db, "twofactor.failure")
    assert failure.actor_ref == ref(world.admin) and failure.outcome == "failure"
    assert json.loads(failure.details) == {"method": "enrolment"}
    (enable,) = entries(db, "twofactor.enable")
    assert enable.actor_ref == ref(world.admin) and enable.target_ref == ref(world.admin)
    (login,) = entries(db, "login.success")
    assert login.actor_ref == ref(world.admin) and json.loads(login.details) == {"second_factor": "enrolment"}

    other_client.post("/login", data={"email": world.admin.email, "password": factories.PASSWORD})
    other_client.post("/login/two-factor/recovery", data={"code": codes[0]})
    (used,) = entries(db, "twofactor.recovery_used")
    assert used.actor_ref == ref(world.admin) and json.loads(used.details) == {"remaining": 9}
    assert codes[0] not in as_text(used) and codes[0].replace("-", "") not in as_text(used)
    assert json.loads(entries(db, "login.success")[-1].details) == {"second_factor": "recovery"}
    other_client.post("/logout")

    other_client.post("/login", data={"email": world.admin.email, "password": factories.PASSWORD})
    other_client.post("/login/two-factor/recovery", data={"code": codes[0]})
    other_client.post("/login/two-factor", data={"code": "12345a"})
    failures = entries(db, "twofactor.failure")
    assert [json.loads(entry.details) for entry in failures] == [
        {"method": "enrolment"}, {"method": "recovery"}, {"method": "totp"}]

