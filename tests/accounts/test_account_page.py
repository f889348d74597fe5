"""The "My account" page: who I am, my language, my password, my devices."""
from __future__ import annotations


def test_account_page_shows_name_email_and_role(client, world, login_as):
    login_as(world.director)
    page = client.get("/account").get_data(as_text=True)
    assert "Hélène Petit" in page
    assert world.director.email in page
    assert "School director" in page
    assert page.count("<h1") == 1
    assert 'action="/account/logout-everywhere"' in page
    assert 'href="/account/password"' in page


def test_language_preference_is_stored_and_used(client, world, login_as):
    login_as(world.parent_a)
    page = client.get("/account").get_data(as_text=True)
    # The account page uses the one language switch of the site, and comes back to itself.
    assert 'action="/language"' in page and 'name="next" value="/account"' in page
    response = client.post("/language", data={"lang": "en", "next": "/account"})
    assert response.status_code == 302 and response.headers["Location"] == "/account"
    assert world.parent_a.locale == "en"
    page = client.get("/account", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert '<html lang="en"' in page  # the stored choice wins over the browser's language
    assert '<option lang="en" selected value="en">' in page or 'selected value="en"' in page


def test_an_unknown_language_is_ignored(client, world, login_as):
    login_as(world.parent_a)
    client.post("/language", data={"lang": "xx", "next": "/account"})
    assert world.parent_a.locale is None


def test_language_change_needs_csrf(client, world, login_as):
    login_as(world.parent_a)
    assert client.post("/language", data={"lang": "en"}, csrf=False).status_code == 400
    assert world.parent_a.locale is None


def test_account_pages_need_login(client, db):
    for path in ("/account", "/account/password", "/welcome/privacy", "/staff/invite"):
        assert client.get(path).headers["Location"].startswith("/login?next="), path
    assert client.post("/account/logout-everywhere").headers["Location"].startswith("/login")
