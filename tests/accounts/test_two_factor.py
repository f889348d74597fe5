"""Second factor for administrators and DPOs (PRIVACY.md 23): TOTP, single-use codes, recovery codes."""
from __future__ import annotations

import re
from datetime import datetime, timezone
from urllib.parse import urlsplit

import pyotp
import pytest
from sqlalchemy import select

from ent_lite.accounts import views_two_factor
from ent_lite.accounts.models import RecoveryCode
from tests import factories
from tests.accounts.conftest import NEW_PASSWORD, link_path, session_cookie
from tests.test_security import table_rows

# A fixed clock for the code checks: 2026-03-02 10:00:00 UTC, at the start of a 30-second step.
NOW = datetime(2026, 3, 2, 10, 0, 0, tzinfo=timezone.utc)
STEP = int(NOW.timestamp()) // 30
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
CODE_PAGE, RECOVERY_PAGE, SETUP_PAGE = "/login/two-factor", "/login/two-factor/recovery", "/login/two-factor/setup"
SETUP_KEY = "/login/two-factor/setup/key"
# Pages of an administrator, a DPO and everyone, GET and POST.
CLOSED_PAGES = ["/", "/admin/", "/admin/roster", "/account", "/account/password", "/staff/invite",
                "/school/activation-codes", "/welcome/privacy"]


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr(views_two_factor, "utcnow", lambda: NOW)


def code_at(step: int, secret: str = SECRET) -> str:
    return pyotp.TOTP(secret).generate_otp(step)


def enrolled(db, user, secret: str = SECRET):
    user.totp_secret = secret
    db.session.commit()
    return user


def password_step(client, user, password=factories.PASSWORD):
    return client.post("/login", data={"email": user.email, "password": password})


def path_of(response) -> str:
    return urlsplit(response.headers.get("Location", "")).path


def give_code(client, code, page=CODE_PAGE):
    return client.post(page, data={"code": code})


def setup_secret(client) -> str:
    """The key this browser enrols: the one shown, or a new one asked for with the page's button."""
    html = client.get(SETUP_PAGE).get_data(as_text=True)
    if '<p class="code"' not in html:
        assert client.post(SETUP_KEY).headers["Location"] == SETUP_PAGE
        html = client.get(SETUP_PAGE).get_data(as_text=True)
    return re.search(r'<p class="code" translate="no">([A-Z2-7 ]+)</p>', html).group(1).replace(" ", "")


def enrol(client, user):
    """Password, then the setup page; returns the recovery codes page."""
    password_step(client, user)
    secret = setup_secret(client)
    return client.post(SETUP_PAGE, data={"code": pyotp.TOTP(secret).now()})


# The gate ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["admin", "dpo"])
def test_before_the_second_factor_every_other_page_sends_to_it(client, world, db, role):
    user = getattr(world, role)
    response = password_step(client, user)
    assert path_of(response) == CODE_PAGE
    for url in CLOSED_PAGES:
        response = client.get(url)
        assert response.status_code == 302 and path_of(response) == SETUP_PAGE, url
    enrolled(db, user)
    for url in CLOSED_PAGES:
        response = client.get(url)
        assert response.status_code == 302 and path_of(response) == CODE_PAGE, url
    nonce = user.session_nonce
    assert path_of(client.post("/account/logout-everywhere")) == CODE_PAGE
    db.session.refresh(user)
    assert user.session_nonce == nonce


def test_the_gate_keeps_the_page_asked_for(client, world, db, frozen):
    enrolled(db, world.admin)
    password_step(client, world.admin)
    response = client.get("/admin/roster")
    assert response.headers["Location"] == "/login/two-factor?next=/admin/roster"
    response = client.post(response.headers["Location"], data={"code": code_at(STEP)})
    assert response.headers["Location"] == "/admin/roster"
    assert client.get("/admin/roster").status_code == 200


def test_language_switch_and_logout_stay_reachable(client, world, db):
    enrolled(db, world.admin)
    password_step(client, world.admin)
    response = client.post("/language", data={"lang": "fr", "next": CODE_PAGE})
    assert response.status_code == 302 and path_of(response) == CODE_PAGE
    assert '<html lang="fr"' in client.get(CODE_PAGE).get_data(as_text=True)
    assert path_of(client.post("/logout")) == "/login"
    assert path_of(client.get(CODE_PAGE)) == "/login"


def test_other_roles_are_never_asked_and_cannot_open_the_pages(client, world, login_as):
    for role in ("parent_a", "teacher_a", "director", "animator", "city_agent"):
        user = getattr(world, role)
        client.post("/logout")
        assert path_of(password_step(client, user)) != CODE_PAGE
        for page in (CODE_PAGE, RECOVERY_PAGE, SETUP_PAGE):
            assert client.get(page).status_code == 404, (role, page)
            assert client.post(page, data={"code": "123456"}).status_code == 404, (role, page)


def test_anonymous_visitors_are_sent_to_login(client, world):
    for page in (CODE_PAGE, RECOVERY_PAGE, SETUP_PAGE):
        assert path_of(client.get(page)) == "/login"


# Enrolment --------------------------------------------------------------------------------------

def test_enrolment_shows_a_qr_code_and_the_key_and_keeps_them_on_reload(client, world):
    password_step(client, world.admin)
    secret = setup_secret(client)
    html = client.get(SETUP_PAGE).get_data(as_text=True)
    qr = re.search(r'<img src="(data:image/svg\+xml[^"]+)" alt="([^"]+)"', html)
    assert qr and qr.group(2)
    assert len(secret) >= 32 and secret == setup_secret(client)
    # Labelled field fit for a phone's code autofill.
    assert re.search(r'<label for="code">', html)
    assert 'autocomplete="one-time-code"' in html and 'inputmode="numeric"' in html
    # Nothing is saved before a code confirms the key.
    assert world.admin.totp_secret is None


def test_the_qr_code_is_allowed_by_the_content_security_policy(client, world):
    password_step(client, world.admin)
    setup_secret(client)
    response = client.get(SETUP_PAGE)
    csp = response.headers["Content-Security-Policy"]
    img_src = next(part for part in csp.split(";") if part.strip().startswith("img-src"))
    assert "data:" in img_src
    # Made by ent_lite itself: the page loads nothing from another site.
    assert not re.search(r'(?:src|href)="(?:https?:)?//', response.get_data(as_text=True))


def test_enrolment_with_a_wrong_code_saves_nothing(client, world, db):
    password_step(client, world.admin)
    secret = setup_secret(client)
    wrong = f"{(int(pyotp.TOTP(secret).now()) + 1) % 1000000:06d}"
    page = client.post(SETUP_PAGE, data={"code": wrong})
    assert page.status_code == 200 and "This code is not valid" in page.get_data(as_text=True)
    assert world.admin.totp_secret is None
    assert path_of(client.get("/admin/")) == SETUP_PAGE


def test_enrolment_turns_the_factor_on_and_shows_ten_recovery_codes_once(client, other_client, world, db):
    page = enrol(client, world.admin)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    codes = re.findall(r"<li>([a-z0-9]{4}(?:-[a-z0-9]{4}){3})</li>", html)
    assert len(set(codes)) == 10
    assert world.admin.totp_secret is not None
    # Fully logged in now.
    assert client.get("/admin/").status_code == 200
    # Stored hashed only.
    stored = db.session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == world.admin.id)).all()
    assert len(stored) == 10 and not set(codes) & set(stored)
    assert not any(code.replace("-", "") in hash_ for code in codes for hash_ in stored)
    # Never shown again: the setup page now sends to the code page.
    assert path_of(client.get(SETUP_PAGE)) == CODE_PAGE
    password_step(other_client, world.admin)
    assert path_of(other_client.get(SETUP_PAGE)) == CODE_PAGE


def test_an_invited_dpo_sets_up_the_factor_before_anything_else(client, other_client, world, db, mailbox, login_as):
    login_as(world.admin)
    client.post("/staff/invite", data={"first_name": "Jeanne", "last_name": "Barret",
                                       "email": "jeanne.barret@example.org", "role": "dpo"})
    path = link_path(mailbox.to("jeanne.barret@example.org")[0], "/invite/")
    response = other_client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert path_of(other_client.get(response.headers["Location"])) == SETUP_PAGE
    assert path_of(other_client.get("/account")) == SETUP_PAGE


def test_opening_the_setup_page_changes_no_row(client, other_client, world, db):
    """No GET changes state (PRIVACY.md 28): the key is made by the page's button, a POST."""
    password_step(client, world.admin)
    password_step(other_client, world.admin)
    before = table_rows()
    page = client.get(SETUP_PAGE)
    assert table_rows() == before
    assert page.status_code == 200 and "Show my key" in page.get_data(as_text=True)

    secret = setup_secret(client)
    made = table_rows()
    assert made != before
    # Reloading, and another browser opening the page, leave the key (and every row) alone.
    for browser in (client, other_client, client):
        browser.get(SETUP_PAGE)
        assert table_rows() == made
    assert setup_secret(client) == secret
    assert '<p class="code"' not in other_client.get(SETUP_PAGE).get_data(as_text=True)


def grouped(secret: str) -> str:
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def decoded_session(app, client) -> str:
    """The session cookie as anyone holding a copy can read it (it is signed, not encrypted)."""
    return repr(app.session_interface.get_signing_serializer(app).loads(session_cookie(client)))


def test_the_key_being_enrolled_never_travels_in_the_session_cookie(app, client, world, db):
    password_step(client, world.admin)
    secret = setup_secret(client)
    assert secret not in decoded_session(app, client)
    wrong = f"{(int(pyotp.TOTP(secret).now()) + 1) % 1000000:06d}"
    assert give_code(client, wrong, SETUP_PAGE).status_code == 200
    assert secret not in decoded_session(app, client)
    # Kept on the account until confirmed, then it becomes the account's key.
    assert world.admin.totp_pending_secret == secret and world.admin.totp_secret is None
    assert give_code(client, pyotp.TOTP(secret).now(), SETUP_PAGE).status_code == 200
    assert secret not in decoded_session(app, client)
    db.session.refresh(world.admin)
    assert world.admin.totp_secret == secret and world.admin.totp_pending_secret is None


def test_another_browser_on_the_setup_page_never_learns_the_key_confirmed(client, other_client, world, db):
    """Someone who has the password opens the setup page too: the key they see is not the owner's."""
    password_step(client, world.admin)
    first = setup_secret(client)
    assert first == setup_secret(client)
    password_step(other_client, world.admin)
    seen_by_other = setup_secret(other_client)
    assert seen_by_other != first
    # The owner's page shows a new key, which the other browser's copy does not give.
    mine = setup_secret(client)
    assert mine not in (first, seen_by_other)
    assert give_code(client, pyotp.TOTP(mine).now(), SETUP_PAGE).status_code == 200
    db.session.refresh(world.admin)
    assert world.admin.totp_secret == mine


def test_enrolment_tells_the_owner_by_email(client, world, db, mailbox):
    world.admin.locale = "en"
    db.session.commit()
    password_step(client, world.admin)
    secret = setup_secret(client)
    wrong = f"{(int(pyotp.TOTP(secret).now()) + 1) % 1000000:06d}"
    give_code(client, wrong, SETUP_PAGE)
    assert not mailbox
    give_code(client, pyotp.TOTP(secret).now(), SETUP_PAGE)
    (message,) = mailbox.to(world.admin.email)
    assert message["Subject"] == "A second factor was set up on your Ville school portal account"
    body = message.get_body(("plain",)).get_content()
    assert "If it was not you" in body and "http://localhost/password/forgot" in body
    assert secret not in body and grouped(secret) not in body


# Codes ------------------------------------------------------------------------------------------

def test_a_valid_code_opens_the_session(client, world, db, frozen):
    enrolled(db, world.dpo)
    password_step(client, world.dpo)
    page = client.get(CODE_PAGE).get_data(as_text=True)
    assert 'autocomplete="one-time-code"' in page and 'inputmode="numeric"' in page
    assert '<label for="code">' in page
    response = give_code(client, code_at(STEP))
    assert response.status_code == 302 and path_of(response) == "/"
    assert client.get("/account").status_code == 200
    assert world.dpo.last_login_dt is not None


def test_a_code_works_only_once(client, other_client, world, db, frozen):
    enrolled(db, world.admin)
    password_step(client, world.admin)
    assert give_code(client, code_at(STEP)).status_code == 302
    # Someone who saw the code (and knows the password) cannot use it in another browser.
    password_step(other_client, world.admin)
    page = give_code(other_client, code_at(STEP))
    assert page.status_code == 200 and "This code is not valid" in page.get_data(as_text=True)
    assert path_of(other_client.get("/admin/")) == CODE_PAGE
    # Nor an older code of the window; the next step's code works.
    assert give_code(other_client, code_at(STEP - 1)).status_code == 200
    assert give_code(other_client, code_at(STEP + 1)).status_code == 302


def test_codes_one_step_either_side_are_accepted_not_further(client, world, db, frozen):
    enrolled(db, world.admin)
    password_step(client, world.admin)
    for step in (STEP - 2, STEP + 2, STEP + 10):
        assert give_code(client, code_at(step)).status_code == 200, step
    assert give_code(client, code_at(STEP - 1)).status_code == 302
    client.post("/logout")
    password_step(client, world.admin)
    assert give_code(client, code_at(STEP + 1)).status_code == 302


def test_a_code_of_another_key_or_garbage_is_refused(client, world, db, frozen):
    enrolled(db, world.admin)
    password_step(client, world.admin)
    for code in (code_at(STEP, pyotp.random_base32()), "", "abcdef", "1234567", code_at(STEP) + "0"):
        assert give_code(client, code).status_code == 200, code
    assert path_of(client.get("/admin/")) == CODE_PAGE


NON_ASCII_CODES = ["١٢٣٤٥٦", "１２３٤٥٦", "۱۲۳۴۵۶"]


def test_digits_of_other_scripts_are_a_wrong_code_and_count_against_the_limit(client, world, db, frozen):
    enrolled(db, world.admin)
    password_step(client, world.admin)
    for code in NON_ASCII_CODES:
        page = give_code(client, code)
        assert page.status_code == 200 and "This code is not valid" in page.get_data(as_text=True), code
    for code in ("١٢٣٤-٥٦٧٨-٩٠١٢-٣٤٥٦", "ａｂｃｄ-ｅｆｇｈ-ｊｋｍｎ-ｐｑｒｓ"):
        page = give_code(client, code, RECOVERY_PAGE)
        assert page.status_code == 200 and "not valid" in page.get_data(as_text=True), code
    assert give_code(client, code_at(STEP)).status_code == 429
    assert path_of(client.get("/admin/")) == CODE_PAGE


def test_digits_of_other_scripts_are_refused_on_the_setup_page(client, world, db):
    password_step(client, world.dpo)
    setup_secret(client)
    for code in NON_ASCII_CODES:
        page = give_code(client, code, SETUP_PAGE)
        assert page.status_code == 200 and "This code is not valid" in page.get_data(as_text=True), code
    db.session.refresh(world.dpo)
    assert world.dpo.totp_secret is None
    for _ in range(2):
        give_code(client, NON_ASCII_CODES[0], SETUP_PAGE)
    assert give_code(client, NON_ASCII_CODES[0], SETUP_PAGE).status_code == 429


def test_spaces_in_a_code_do_not_matter(client, world, db, frozen):
    enrolled(db, world.admin)
    password_step(client, world.admin)
    code = code_at(STEP)
    assert give_code(client, f" {code[:3]} {code[3:]} ").status_code == 302


# Recovery codes ---------------------------------------------------------------------------------

def recovery_codes(client, user):
    return re.findall(r"<li>([a-z0-9-]{19})</li>", enrol(client, user).get_data(as_text=True))


def test_a_recovery_code_works_once(client, other_client, world, db):
    codes = recovery_codes(client, world.admin)
    password_step(other_client, world.admin)
    page = other_client.get(RECOVERY_PAGE).get_data(as_text=True)
    assert '<label for="code">' in page
    response = give_code(other_client, codes[0].upper().replace("-", " "), RECOVERY_PAGE)
    assert response.status_code == 302 and other_client.get("/admin/").status_code == 200
    other_client.post("/logout")
    password_step(other_client, world.admin)
    page = give_code(other_client, codes[0], RECOVERY_PAGE)
    assert page.status_code == 200 and "not valid or has already been used" in page.get_data(as_text=True)
    assert path_of(other_client.get("/admin/")) == CODE_PAGE
    assert give_code(other_client, codes[1], RECOVERY_PAGE).status_code == 302


def test_using_a_recovery_code_tells_the_owner_by_email(client, other_client, world, db, mailbox):
    world.admin.locale = "en"
    db.session.commit()
    codes = recovery_codes(client, world.admin)
    mailbox.clear()
    password_step(other_client, world.admin)
    give_code(other_client, "aaaa-bbbb-cccc-dddd", RECOVERY_PAGE)
    assert not mailbox
    assert give_code(other_client, codes[0], RECOVERY_PAGE).status_code == 302
    (message,) = mailbox.to(world.admin.email)
    assert message["Subject"] == "A recovery code was used on your Ville school portal account"
    body = message.get_body(("plain",)).get_content()
    assert "If it was not you" in body and "http://localhost/password/forgot" in body
    assert codes[0] not in body


def test_recovery_codes_belong_to_one_account(client, other_client, world, db):
    codes = recovery_codes(client, world.admin)
    enrolled(db, world.dpo)
    password_step(other_client, world.dpo)
    assert give_code(other_client, codes[0], RECOVERY_PAGE).status_code == 200
    assert path_of(other_client.get("/account")) == CODE_PAGE


# Throttling -------------------------------------------------------------------------------------

def test_guessing_codes_is_refused_with_429(client, other_client, world, db, frozen):
    enrolled(db, world.admin)
    password_step(client, world.admin)
    wrong = f"{(int(code_at(STEP)) + 500000) % 1000000:06d}"
    for _ in range(3):
        assert give_code(client, wrong).status_code == 200
    for _ in range(2):
        assert give_code(client, "aaaa-bbbb-cccc-dddd", RECOVERY_PAGE).status_code == 200
    # The sixth wrong try in a minute, on either page, and even the right code, waits.
    assert give_code(client, wrong).status_code == 429
    assert give_code(client, code_at(STEP)).status_code == 429
    # A new session of the same account shares the account's budget.
    password_step(other_client, world.admin)
    assert give_code(other_client, code_at(STEP)).status_code == 429
    assert path_of(other_client.get("/admin/")) == CODE_PAGE


def test_one_account_guessing_does_not_lock_another(client, other_client, world, db, frozen):
    enrolled(db, world.admin)
    enrolled(db, world.dpo)
    password_step(client, world.admin)
    for _ in range(6):
        give_code(client, "000000" if code_at(STEP) != "000000" else "111111")
    password_step(other_client, world.dpo)
    assert give_code(other_client, code_at(STEP)).status_code == 302


# The rest of the session ------------------------------------------------------------------------

def test_a_password_change_keeps_the_second_factor_of_this_session(client, world, db, login_as, mailbox):
    login_as(world.admin)
    response = client.post("/account/password", data={
        "current_password": factories.PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert path_of(response) == "/account"
    assert client.get("/admin/").status_code == 200


def test_a_new_login_asks_again(client, world, db, login_as):
    login_as(world.admin)
    client.post("/logout")
    password_step(client, world.admin)
    assert path_of(client.get("/admin/")) == CODE_PAGE


def test_two_requests_racing_with_one_code_cannot_both_pass(world, db):
    from sqlalchemy import update

    from ent_lite.accounts import two_factor
    from ent_lite.accounts.models import User

    enrolled(db, world.admin)
    assert world.admin.totp_last_step is None  # loaded now: this copy will be stale
    # Another request accepts the code in the meantime, in its own transaction.
    with db.engine.begin() as connection:
        connection.execute(update(User).where(User.id == world.admin.id).values(totp_last_step=STEP))
    assert two_factor.verify_code(world.admin, code_at(STEP), NOW) is False
