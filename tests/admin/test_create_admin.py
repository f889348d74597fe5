"""``flask ent-lite create-admin``: the first administrator of a city, on an empty database."""
from __future__ import annotations

import re

from sqlalchemy import select

from ent_lite.accounts.models import Role, User
from ent_lite.audit.models import AuditEntry
from ent_lite.extensions import db
from ent_lite.school.models import City

from tests.accounts.conftest import link_path

ARGS = ["ent-lite", "create-admin", "Ada.Royer@Example.org", "--first-name", "Ada", "--last-name", "Royer",
        "--lang", "en"]


def printed_link(output: str) -> str:
    return re.search(r"http://localhost(/invite/\S+)", output).group(1)


def test_on_an_empty_database_the_city_and_its_administrator_are_created(runner, mailbox):
    result = runner.invoke(args=[*ARGS, "--city", "Ville-sur-Mer"])
    assert result.exit_code == 0, result.output
    (city,) = db.session.scalars(select(City)).all()
    admin = db.session.scalar(select(User))
    assert city.name == "Ville-sur-Mer" and "City created: Ville-sur-Mer" in result.output
    assert (admin.role, admin.email, admin.city_id, admin.password_hash) == (
        Role.ADMIN, "ada.royer@example.org", city.id, None)
    # The same single-use link is mailed and printed.
    assert link_path(mailbox.to(admin.email)[0], "/invite/") == printed_link(result.output)
    (entry,) = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "admin.create_admin"))
    assert entry.target_ref == f"user:{admin.public_id}" and entry.actor_ref is None
    assert "example.org" not in (entry.details or "")


def test_running_it_again_before_the_link_is_used_replaces_the_link(runner, client, mailbox):
    first = printed_link(runner.invoke(args=[*ARGS, "--city", "Ville-sur-Mer"]).output)
    again = runner.invoke(args=ARGS)
    assert again.exit_code == 0, again.output
    assert client.get(first).status_code == 410
    assert client.get(printed_link(again.output)).status_code == 200
    assert len(db.session.scalars(select(User)).all()) == 1


def test_an_address_of_another_account_or_another_city_name_is_refused(runner, world, mailbox):
    taken = runner.invoke(args=["ent-lite", "create-admin", world.teacher_a.email, "--first-name", "A",
                                "--last-name", "B", "--lang", "en"])
    assert taken.exit_code == 1 and "already used by another account" in taken.output
    other_city = runner.invoke(args=[*ARGS, "--city", "Autreville"])
    assert other_city.exit_code == 1 and "already serves the city “Testville”" in other_city.output
    invalid = runner.invoke(args=["ent-lite", "create-admin", "not-an-address", "--first-name", "A",
                                  "--last-name", "B", "--lang", "en"])
    assert invalid.exit_code == 1 and "not valid" in invalid.output
    assert not mailbox and db.session.scalar(select(User).where(User.email == "ada.royer@example.org")) is None


def test_in_an_existing_city_the_administrator_joins_it(runner, world, mailbox):
    cities = db.session.scalars(select(City)).all()
    result = runner.invoke(args=ARGS)
    assert result.exit_code == 0, result.output
    admin = db.session.scalar(select(User).where(User.email == "ada.royer@example.org"))
    assert admin.city_id == world.city.id and "City created" not in result.output
    assert db.session.scalars(select(City)).all() == cities
