"""A link or a code works once even when two requests carry it at the same moment.

Both requests pass the check (find_token, code_problem) before either marks it used; the
use itself must then let only one through. Here the other request is played by a second
database connection that uses the link between this request's check and its use.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from ent_lite.accounts import email_change, invitations, services
from ent_lite.accounts.activation import find_code, issue_activation_code
from ent_lite.accounts.models import AccountToken, ActivationCode
from ent_lite.accounts.passwords import verify_password
from ent_lite.accounts.tokens import TokenAlreadyUsed, TokenState, find_token, issue_token
from ent_lite.core.db_types import utcnow
from tests import factories
from tests.accounts.conftest import NEW_PASSWORD


def used_elsewhere(db, table, row_id, now):
    """The other request's use, committed on its own connection."""
    with db.engine.begin() as connection:
        connection.execute(update(table).where(table.id == row_id).values(used_dt=now))


def checked_token(db, user, purpose, now):
    token = issue_token(user, purpose, now, timedelta(hours=1))
    db.session.commit()
    state, row = find_token(token, purpose, now)
    assert state is TokenState.VALID
    return row


def test_a_reset_link_used_meanwhile_sets_no_password(db, world):
    now = utcnow()
    row = checked_token(db, world.parent_a, "reset", now)
    used_elsewhere(db, AccountToken, row.id, now)
    with pytest.raises(TokenAlreadyUsed):
        services.reset_password(row, NEW_PASSWORD, now)
    db.session.rollback()
    assert verify_password(world.parent_a.password_hash, factories.PASSWORD)


def test_an_invitation_used_meanwhile_sets_no_password(db, world):
    now = utcnow()
    newcomer = factories.make_user(world.city, "teacher", activated=False)
    db.session.commit()
    row = checked_token(db, newcomer, "invite", now)
    used_elsewhere(db, AccountToken, row.id, now)
    with pytest.raises(TokenAlreadyUsed):
        invitations.accept_invitation(row, NEW_PASSWORD, now)
    db.session.rollback()
    assert newcomer.password_hash is None


def test_an_email_confirmation_used_meanwhile_changes_nothing(db, world):
    now = utcnow()
    token = email_change.request_change(world.parent_a, "nouvelle.adresse@example.org", now)
    db.session.commit()
    state, row = find_token(token, "confirm", now)
    assert state is TokenState.VALID
    used_elsewhere(db, AccountToken, row.id, now)
    with pytest.raises(TokenAlreadyUsed):
        email_change.confirm(row, now)
    db.session.rollback()
    assert world.parent_a.email != "nouvelle.adresse@example.org"


def test_an_activation_code_used_meanwhile_activates_nothing(db, world):
    now = utcnow()
    guardian = factories.make_user(world.city, "guardian", activated=False)
    db.session.commit()
    issued = issue_activation_code(guardian, now, 60)
    db.session.commit()
    code = find_code(issued.code)
    assert services.code_problem(code, now) is None
    used_elsewhere(db, ActivationCode, code.id, now)
    with pytest.raises(TokenAlreadyUsed):
        services.activate_guardian(code, "lou.parent@example.org", NEW_PASSWORD, now)
    db.session.rollback()
    assert guardian.password_hash is None and guardian.activated_dt is None


def test_the_page_says_the_link_was_used_when_it_loses_the_race(client, db, world, monkeypatch):
    """The view turns the lost race into the usual "already used" page, not a 500."""
    now = utcnow()
    token = issue_token(world.parent_a, "reset", now, timedelta(hours=1))
    db.session.commit()
    real_reset = services.reset_password

    def reset_after_another_tab(row, password, when):
        used_elsewhere(db, AccountToken, row.id, when)
        return real_reset(row, password, when)

    monkeypatch.setattr(services, "reset_password", reset_after_another_tab)
    response = client.post(f"/password/reset/{token}", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 410
    assert "already been used" in response.get_data(as_text=True)
