"""The private address's token is shown in the answer that made it and kept nowhere else: not
in the session cookie (signed, readable by whoever holds it), not in the rate limiter's keys."""
import hashlib

from ent_lite.agenda import views_feeds
from tests.agenda.test_feeds_private import _address


def decoded_session(app, client) -> str:
    cookie = client.get_cookie("ent_lite_session")
    if cookie is None:
        return ""
    return repr(app.session_interface.get_signing_serializer(app).loads(cookie.value))


def _token(address: str) -> str:
    return address.rsplit("/", 1)[1].removesuffix(".ics")


def test_making_and_renewing_show_the_address_in_the_answer_and_never_in_the_session(app, client, world,
                                                                                    login_as):
    login_as(world.parent_a)
    for url in ("/agenda/abonnement/creer", "/agenda/abonnement/renouveler"):
        page = client.get("/agenda/abonnement").get_data(as_text=True)
        replaces = page.split('name="replaces" value="', 1)[1].split('"', 1)[0] if "replaces" in page else ""
        response = client.post(url, data={"replaces": replaces})
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-store"
        page = response.get_data(as_text=True)
        address = _address(page)
        token = _token(address)
        assert page.count(address) == 1  # the address to copy; the webcal link is the other use
        assert page.count(token) == 2
        assert all(token not in header for header in response.headers.getlist("Set-Cookie"))
        assert token not in decoded_session(app, client)
        # The next page view does not show it again: it was never kept.
        later = client.get("/agenda/abonnement").get_data(as_text=True)
        assert token not in later and 'id="feed-url"' not in later
        assert token not in decoded_session(app, client)


def test_the_rate_limiter_keys_a_token_by_its_hash(app):
    token = "Zk3-secret_token_for_the_test_0123456789abcdef"
    with app.test_request_context(f"/agenda/prive/{token}.ics"):
        key = views_feeds._token_key()
    assert key == "calendar-feed:" + hashlib.sha256(token.encode()).hexdigest()
    assert token not in key
