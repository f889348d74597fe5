"""One-click unsubscribing (RFC 8058) from the link every notification mail carries."""
from __future__ import annotations

from ent_lite.extensions import db
from ent_lite.notifications import unsubscribe
from ent_lite.notifications.models import Mode, NotificationPreferences
from ent_lite.notifications.preferences import preferences_of

ONE_CLICK = {"List-Unsubscribe": "One-Click"}


def path_of(user) -> str:
    return unsubscribe.link(user).removeprefix("http://localhost")


def email_modes(user) -> tuple[str, ...]:
    db.session.expire_all()
    prefs = preferences_of(user.id)
    return prefs.news_email, prefs.todo_email, prefs.messages_email, prefs.news_push


def test_a_mail_provider_one_click_post_without_cookie_or_csrf_turns_email_off(app, world):
    # A fresh client: no session cookie, no CSRF token, nobody logged in, as a provider's server posts.
    provider = app.test_client()
    response = provider.post(path_of(world.parent_a), data=ONE_CLICK, csrf=False)

    assert response.status_code == 200
    assert email_modes(world.parent_a) == (Mode.OFF, Mode.OFF, Mode.OFF, Mode.IMMEDIATE)  # push kept


def test_posting_twice_keeps_one_row_and_other_choices(app, world):
    db.session.add(NotificationPreferences(user_id=world.parent_a.id, digest_minute=7 * 60, news_push=Mode.OFF))
    db.session.commit()
    for _ in range(2):
        assert app.test_client().post(path_of(world.parent_a), data=ONE_CLICK, csrf=False).status_code == 200

    assert email_modes(world.parent_a) == (Mode.OFF, Mode.OFF, Mode.OFF, Mode.OFF)
    assert db.session.query(NotificationPreferences).count() == 1
    assert preferences_of(world.parent_a.id).digest_minute == 7 * 60


def test_opening_the_link_changes_nothing_and_shows_a_button(english, world):
    response = english.get(path_of(world.parent_a))

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'name="List-Unsubscribe" value="One-Click"' in page and "Stop notification emails" in page
    assert response.headers["Cache-Control"] == "no-store"
    assert email_modes(world.parent_a) == (Mode.DAILY, Mode.DAILY, Mode.DAILY, Mode.IMMEDIATE)
    assert db.session.query(NotificationPreferences).count() == 0


def test_the_page_button_unsubscribes_and_says_so_with_the_preferences_link(english, world):
    response = english.post(path_of(world.parent_b), data=ONE_CLICK, csrf=False)

    page = response.get_data(as_text=True)
    assert "Done: Ville school portal will no longer email you" in page and "cannot be turned off" in page
    assert 'href="/notifications"' in page
    assert email_modes(world.parent_b)[:3] == (Mode.OFF,) * 3
    assert email_modes(world.parent_a)[:3] == (Mode.DAILY,) * 3  # nobody else


def test_a_tampered_or_foreign_token_is_refused_with_404(app, english, world):
    token = unsubscribe.token(world.parent_a)
    forged = [token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "nonsense", token.split(".")[0] + ".x"]
    # A token signed by the same key for another purpose (the CSRF salt) does not work either.
    from itsdangerous import URLSafeSerializer
    forged.append(URLSafeSerializer(app.secret_key, salt="wtf-csrf-token").dumps(world.parent_a.public_id))
    for value in forged:
        assert english.get(f"/notifications/unsubscribe/{value}").status_code == 404
        assert english.post(f"/notifications/unsubscribe/{value}", data=ONE_CLICK, csrf=False).status_code == 404
    assert db.session.query(NotificationPreferences).count() == 0


def test_a_post_without_the_one_click_body_is_refused(english, world):
    response = english.post(path_of(world.parent_a), data={"other": "x"}, csrf=False)

    assert response.status_code == 400
    assert db.session.query(NotificationPreferences).count() == 0


def test_an_erased_account_token_is_refused(english, world):
    path = path_of(world.parent_b)
    world.parent_b.public_id = "gone"
    db.session.commit()

    assert english.post(path, data=ONE_CLICK, csrf=False).status_code == 404


def test_guessing_tokens_is_throttled_per_address(app, world):
    client = app.test_client()
    codes = [client.post(f"/notifications/unsubscribe/guess{n}", data=ONE_CLICK, csrf=False).status_code
             for n in range(25)]

    assert codes[:20] == [404] * 20 and codes[-1] == 429
    # A real link from the same address (a provider's servers) is refused meanwhile too, but
    # nothing breaks: the page answers, never a 500.
    assert client.post(path_of(world.parent_a), data=ONE_CLICK, csrf=False).status_code in (200, 429)
