"""Guardian activation: code → name → email and password → privacy notice → home."""
from __future__ import annotations

from datetime import timedelta

import pytest

from ent_lite.accounts.activation import format_code, issue_activation_code
from ent_lite.core.db_types import utcnow
from ent_lite.privacy.notice import current_notice_version
from tests import factories
from tests.accounts.conftest import NEW_PASSWORD


@pytest.fixture
def newcomer(world, db):
    """A guardian imported from the roster, with an imported email, who never logged in."""
    user = factories.make_user(world.city, "guardian", "Hélène", "Le Gall", email="old@example.org",
                               activated=False)
    factories.make_child(world.city, world.class_a, "Zoé", "Le Gall", guardians=(user,))
    code = issue_activation_code(user, utcnow(), 60)
    db.session.commit()
    return user, code


def enter_code(client, text):
    return client.post("/activate", data={"code": text})


def walk_to_account_step(client, code, last_name="Le Gall"):
    assert enter_code(client, format_code(code.code)).status_code == 302
    response = client.post("/activate/name", data={"last_name": last_name})
    assert response.headers["Location"] == "/activate/account", response.get_data(as_text=True)


def choose_account(client, email="helene@example.org", password=NEW_PASSWORD):
    return client.post("/activate/account", data={"email": email, "password": password, "confirm": password})


def test_the_whole_path(client, newcomer):
    user, code = newcomer
    assert client.get("/activate").status_code == 200
    walk_to_account_step(client, code)
    page = client.get("/activate/account").get_data(as_text=True)
    assert 'value="old@example.org"' in page  # the imported email is offered
    response = choose_account(client)
    assert response.headers["Location"] == "/welcome/privacy"
    assert user.activated_dt is not None and code.row.used_dt is not None
    # The typed address waits for its emailed link; the school's address keeps receiving.
    assert user.email == "old@example.org" and user.pending_email == "helene@example.org"
    # Signed in, but the notice comes first.
    assert client.get("/account").headers["Location"] == "/welcome/privacy"
    notice = client.get("/welcome/privacy").get_data(as_text=True)
    assert "I have read the privacy notice" in notice
    assert 'type="checkbox"' not in notice
    response = client.post("/welcome/privacy")
    assert response.headers["Location"] == "/"
    assert user.privacy_notice_version == current_notice_version("en")  # the text it read
    assert client.get("/account").status_code == 200
    # The new credentials work from another browser.
    client.post("/logout")
    assert client.post("/login", data={"email": "HELENE@example.org", "password": NEW_PASSWORD}).status_code == 302


def test_the_code_is_typed_any_way(client, newcomer):
    _, code = newcomer
    typed = " " + " ".join(code.code[i:i + 3] for i in range(0, 12, 3)).lower() + " "
    assert enter_code(client, typed).headers["Location"] == "/activate/name"


def test_unknown_used_and_expired_codes_are_explained(client, newcomer, db):
    user, code = newcomer
    page = enter_code(client, "ABCD-EFGH-JKMN").get_data(as_text=True)
    assert "This code is unknown" in page
    code.row.expires_dt = utcnow() - timedelta(days=1)
    db.session.commit()
    assert "This code has expired" in enter_code(client, code.code).get_data(as_text=True)
    code.row.expires_dt = utcnow() + timedelta(days=1)
    code.row.used_dt = utcnow()
    db.session.commit()
    assert "already been used" in enter_code(client, code.code).get_data(as_text=True)


def test_name_check_ignores_case_accents_and_spaces(client, newcomer):
    _, code = newcomer
    walk_to_account_step(client, code, last_name="  LE-GALL ")


def test_a_wrong_name_is_refused_and_counted(client, newcomer):
    _, code = newcomer
    enter_code(client, code.code)
    for _ in range(5):
        page = client.post("/activate/name", data={"last_name": "Dupont"}).get_data(as_text=True)
        assert "does not match" in page
        assert client.get("/activate/account").headers["Location"] == "/activate"
    assert client.post("/activate/name", data={"last_name": "Le Gall"}).status_code == 429


def test_steps_cannot_be_skipped(client, newcomer):
    _, code = newcomer
    assert client.get("/activate/name").headers["Location"] == "/activate"
    assert choose_account(client).headers["Location"] == "/activate"
    enter_code(client, code.code)
    assert choose_account(client).headers["Location"] == "/activate"
    assert newcomer[0].password_hash is None


def test_the_progress_cannot_be_moved_to_another_code(client, newcomer, world, db):
    _, code = newcomer
    other = factories.make_user(world.city, "guardian", "Marc", "Autre", activated=False)
    other_code = issue_activation_code(other, utcnow(), 60)
    db.session.commit()
    walk_to_account_step(client, code)
    # A session claiming the other code with the first code's name check gets nowhere.
    with client.session_transaction() as session:
        session["activation_code_id"] = other_code.row.id
    assert choose_account(client).headers["Location"] == "/activate"
    assert other.password_hash is None


def test_email_of_another_account_is_refused(client, newcomer, world):
    _, code = newcomer
    walk_to_account_step(client, code)
    page = choose_account(client, email=world.parent_b.email).get_data(as_text=True)
    assert "already used by another account" in page
    assert 'id="email-error"' in page
    assert newcomer[0].password_hash is None


def test_password_policy_applies(client, newcomer):
    _, code = newcomer
    walk_to_account_step(client, code)
    page = choose_account(client, password="helene legall 2026").get_data(as_text=True)
    assert "Do not use your name" in page
    assert "helene legall 2026" not in page
    assert 'value="helene@example.org"' in page  # what was typed is kept


def test_a_code_is_single_use(client, other_client, newcomer):
    _, code = newcomer
    walk_to_account_step(client, code)
    choose_account(client)
    assert "already been used" in enter_code(other_client, code.code).get_data(as_text=True)


def test_the_session_changes_at_activation(client, newcomer):
    _, code = newcomer
    walk_to_account_step(client, code)
    with client.session_transaction() as session:
        session["planted"] = "x"
    choose_account(client)
    with client.session_transaction() as session:
        assert "planted" not in session and "activation_code_id" not in session


def test_a_new_notice_version_is_shown_at_next_visit(client, world, db, login_as):
    world.parent_a.privacy_notice_version = "older-version"
    db.session.commit()
    login_as(world.parent_a)
    for path in ("/", "/account", "/news"):
        assert client.get(path).headers["Location"] == "/welcome/privacy", path
    page = client.get("/welcome/privacy").get_data(as_text=True)
    assert "has changed" in page
    # Language switch and logout stay reachable.
    assert client.post("/language", data={"lang": "en", "next": "/account"}).headers["Location"] == "/account"
    client.post("/welcome/privacy")
    assert client.get("/account").status_code == 200


def test_staff_are_not_sent_to_the_notice(client, world, db, login_as):
    world.teacher_a.privacy_notice_version = None
    db.session.commit()
    login_as(world.teacher_a)
    assert client.get("/account").status_code == 200
