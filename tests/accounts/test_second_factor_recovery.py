"""The ways back into the second factor: new recovery codes, and the operator's reset.

New codes need the password and a current code, are shown once, and the earlier codes stop
working. ``flask ent-lite reset-second-factor EMAIL`` (audited) turns the factor off for an
administrator who lost phone and codes: their codes go, their sessions end, and they set the
factor up again at their next login.
"""
from __future__ import annotations

import re

import pyotp
import pytest
from sqlalchemy import func, select

from ent_lite.accounts import two_factor
from ent_lite.accounts.models import RecoveryCode, User
from tests.accounts.test_login_audit import entries, ref
from tests import factories
from tests.accounts.test_two_factor import (CODE_PAGE, NOW, RECOVERY_PAGE, SECRET, SETUP_PAGE, STEP, code_at,
                                            enrolled, give_code, password_step, path_of)
from tests.accounts.test_two_factor import frozen  # noqa: F401  (a fixture, used by name)

PAGE = "/account/recovery-codes"


def shown_codes(response) -> list[str]:
    return re.findall(r"<li>([a-z0-9]{4}(?:-[a-z0-9]{4}){3})</li>", response.get_data(as_text=True))


@pytest.fixture
def admin_with_codes(client, world, db, frozen):
    """An enrolled administrator, logged in with a code of STEP, and their first recovery codes."""
    enrolled(db, world.admin)
    codes = two_factor.regenerate_recovery_codes(world.admin, NOW)
    db.session.commit()
    password_step(client, world.admin)
    assert give_code(client, code_at(STEP)).status_code == 302
    return codes


def recovery_count(db, user) -> int:
    return db.session.scalar(select(func.count(RecoveryCode.id)).where(RecoveryCode.user_id == user.id))


# New recovery codes ---------------------------------------------------------------------------

def test_the_account_page_links_to_new_codes(client, world, admin_with_codes):
    html = client.get("/account").get_data(as_text=True)
    assert f'href="{PAGE}"' in html


def test_new_codes_are_shown_once_and_the_earlier_ones_stop_working(client, other_client, world, db,
                                                                   admin_with_codes):
    response = client.post(PAGE, data={"current_password": factories.PASSWORD,
                                       "code": code_at(STEP + 1)})
    assert response.status_code == 200
    new = shown_codes(response)
    assert len(set(new)) == 10 and not set(new) & set(admin_with_codes)
    assert "Your earlier codes no longer work" in response.get_data(as_text=True)
    first, entry = entries(db, "twofactor.recovery_regenerated")  # the fixture's codes, then these
    assert entry.actor_ref == ref(world.admin) and entry.target_ref == ref(world.admin)
    # Shown once: the page itself asks again, it never lists codes.
    assert not shown_codes(client.get(PAGE))

    password_step(other_client, world.admin)
    refused = give_code(other_client, admin_with_codes[0], RECOVERY_PAGE)
    assert refused.status_code == 200 and "not valid" in refused.get_data(as_text=True)
    assert path_of(give_code(other_client, new[0], RECOVERY_PAGE)) == "/"


@pytest.mark.parametrize("password,code,error", [
    ("not my password at all", "current", "This is not your current password."),
    (factories.PASSWORD, "000000", "This code is not valid."),
    (factories.PASSWORD, "used", "This code is not valid."),
    (factories.PASSWORD, "", "This field is required."),
])
def test_new_codes_need_the_password_and_a_current_code(client, world, db, admin_with_codes, password, code,
                                                        error):
    code = {"current": code_at(STEP + 1), "used": code_at(STEP)}.get(code, code)
    response = client.post(PAGE, data={"current_password": password, "code": code})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert error in html and not shown_codes(response)
    assert "Please correct the fields marked below." in html
    # Nothing changed: the earlier codes are all there and unused.
    assert recovery_count(db, world.admin) == 10
    assert two_factor.use_recovery_code(world.admin, admin_with_codes[0], NOW)


def test_guessing_on_the_page_is_refused_with_429(client, world, admin_with_codes):
    for _ in range(5):
        client.post(PAGE, data={"current_password": "not my password at all", "code": "000000"})
    response = client.post(PAGE, data={"current_password": factories.PASSWORD,
                                       "code": code_at(STEP + 1)})
    assert response.status_code == 429


def test_accounts_without_a_second_factor_do_not_have_the_page(client, world, login_as):
    login_as(world.teacher_a)
    assert client.get(PAGE).status_code == 404
    assert f'href="{PAGE}"' not in client.get("/account").get_data(as_text=True)


# The operator's reset -------------------------------------------------------------------------

def reset(runner, email, *extra, **kwargs):
    return runner.invoke(args=["ent-lite", "reset-second-factor", email, *extra], **kwargs)


def test_reset_turns_the_factor_off_ends_sessions_and_asks_to_enrol_again(client, other_client, world, db,
                                                                           runner, admin_with_codes):
    result = reset(runner, world.admin.email.upper(), "--yes")
    assert result.exit_code == 0, result.output
    db.session.rollback()  # only what the command committed remains
    admin = db.session.get(User, world.admin.id)
    assert admin.totp_secret is None and admin.totp_pending_secret is None
    assert recovery_count(db, admin) == 0
    (entry,) = entries(db, "twofactor.reset")
    assert entry.target_ref == ref(admin) and entry.actor_ref is None

    # The session that passed the old factor is over; the next login sets the factor up again.
    assert path_of(client.get("/admin/")) == "/login"
    assert path_of(password_step(other_client, admin)) == CODE_PAGE
    assert path_of(other_client.get(CODE_PAGE)) == SETUP_PAGE
    assert path_of(other_client.get("/admin/")) == SETUP_PAGE
    refused = give_code(other_client, admin_with_codes[0], RECOVERY_PAGE)
    assert path_of(refused) == SETUP_PAGE


def test_reset_asks_for_confirmation_and_a_no_changes_nothing(world, db, runner, admin_with_codes):
    result = reset(runner, world.admin.email, input="n\n")
    assert result.exit_code != 0 and "Aborted" in result.output
    db.session.expire_all()
    assert world.admin.totp_secret == SECRET and recovery_count(db, world.admin) == 10
    assert not entries(db, "twofactor.reset")


def test_reset_refuses_unknown_addresses_and_accounts_without_a_factor(world, db, runner):
    for email in ("nobody@example.org", world.teacher_a.email):
        result = reset(runner, email, "--yes")
        assert result.exit_code != 0
        assert "no account has this email address" in result.output or "no second factor" in result.output
    assert not entries(db, "twofactor.reset")


def test_reset_then_enrolling_again_gives_a_working_factor(other_client, world, db, runner, admin_with_codes):
    assert reset(runner, world.admin.email, "--yes").exit_code == 0
    db.session.expire_all()
    password_step(other_client, world.admin)
    other_client.post("/login/two-factor/setup/key")
    html = other_client.get(SETUP_PAGE).get_data(as_text=True)
    secret = re.search(r'<p class="code" translate="no">([A-Z2-7 ]+)</p>', html).group(1).replace(" ", "")
    assert secret != SECRET
    done = other_client.post(SETUP_PAGE, data={"code": pyotp.TOTP(secret).at(NOW)})
    assert done.status_code == 200 and len(shown_codes(done)) == 10
    assert other_client.get("/admin/").status_code == 200
