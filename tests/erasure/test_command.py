"""The DPO's erase-guardian command: confirms, erases, commits, prints counts only."""
from __future__ import annotations

from ent_lite.accounts.models import User
from ent_lite.extensions import db


def test_it_asks_for_confirmation_and_a_no_erases_nothing(world, runner):
    result = runner.invoke(args=["ent-lite", "erase-guardian", world.parent_b.email], input="n\n")
    assert result.exit_code != 0 and "Aborted" in result.output
    db.session.expire_all()
    assert db.session.get(User, world.parent_b.id).email


def test_with_yes_it_erases_commits_and_prints_counts(world, runner):
    guardian_id, email = world.parent_b.id, world.parent_b.email
    result = runner.invoke(args=["ent-lite", "erase-guardian", email.upper(), "--yes"])
    assert result.exit_code == 0, result.output
    assert "guardian_link: 1" in result.output and "user_account: 1" in result.output
    assert world.parent_b.first_name not in result.output
    db.session.rollback()  # only what the command committed remains
    assert db.session.get(User, guardian_id) is None


def test_an_answered_confirmation_erases(world, runner):
    guardian_id = world.parent_b.id
    result = runner.invoke(args=["ent-lite", "erase-guardian", world.parent_b.email], input="y\n")
    assert result.exit_code == 0, result.output
    db.session.rollback()
    assert db.session.get(User, guardian_id) is None


def test_unknown_addresses_and_staff_are_refused(world, runner):
    for email in ("nobody@example.org", world.teacher_a.email):
        result = runner.invoke(args=["ent-lite", "erase-guardian", email, "--yes"])
        assert result.exit_code != 0 and "no guardian account" in result.output
    db.session.expire_all()
    assert db.session.get(User, world.teacher_a.id).email
