"""The private calendar address: made, shown once, renewed, revoked; read without login by
its token only; content-free; what its owner may see, nothing more."""
from datetime import timedelta

from icalendar import Calendar
from sqlalchemy import select

from ent_lite.agenda import feeds
from ent_lite.agenda.models import CalendarFeed
from ent_lite.audience import keys
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from tests.agenda.calendar_rows import make_event, make_session_for, today


def _address(page: str) -> str:
    marker = 'id="feed-url" value="'
    assert marker in page
    return page.split(marker, 1)[1].split('"', 1)[0]


def _path(address: str) -> str:
    return "/" + address.split("://", 1)[1].split("/", 1)[1]


def _titles(body: bytes) -> set[str]:
    return {str(e["SUMMARY"]) for e in Calendar.from_ical(body).walk("VEVENT")}


def make_address(client, login_as, user) -> str:
    login_as(user)
    response = client.post("/agenda/abonnement/creer")
    assert response.status_code == 200
    return _path(_address(response.get_data(as_text=True)))


def test_the_address_is_shown_once_and_only_its_hash_is_stored(client, world, login_as):
    path = make_address(client, login_as, world.parent_a)
    token = path.rsplit("/", 1)[1].removesuffix(".ics")
    assert len(token) >= 43
    feed = db.session.scalars(select(CalendarFeed)).one()
    assert feed.token_hash == feeds.token_hash(token) and token not in feed.token_hash
    page = client.get("/agenda/abonnement").get_data(as_text=True)
    assert token not in page and 'id="feed-url"' not in page
    assert "webcal://" not in page


def test_the_page_offers_a_webcal_link_right_after_making_it(client, world, login_as):
    login_as(world.parent_a)
    page = client.post("/agenda/abonnement/creer").get_data(as_text=True)
    assert 'href="webcal://localhost/agenda/prive/' in page


def test_the_feed_is_read_without_login_and_holds_what_its_owner_sees(client, world, login_as):
    make_event(world.school, world.teacher_a, keys.group_key(world.class_a.id), title="Classe A")
    make_event(world.school, world.teacher_b, keys.group_key(world.class_b.id), title="Classe B")
    make_session_for(world, world.child_a, title="Poterie")
    path_a = make_address(client, login_as, world.parent_a)
    path_b = make_address(client, login_as, world.parent_b)
    client.post("/logout")
    response = client.get(path_a)
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert response.headers["Cache-Control"].startswith("private")
    assert _titles(response.data) == {"Classe A", "Poterie"}
    assert _titles(client.get(path_b).data) == {"Classe B"}


def test_the_feed_names_no_child_and_carries_no_description(client, world, login_as):
    make_event(world.school, world.teacher_a, keys.group_key(world.class_a.id), title="Classe A")
    make_session_for(world, world.child_a, title="Poterie")
    body = client.get(make_address(client, login_as, world.parent_a)).get_data(as_text=True)
    for name in (world.child_a.first_name, world.child_a.last_name, world.parent_a.last_name,
                 world.teacher_a.last_name):
        assert name not in body
    assert "DESCRIPTION" not in body and "ATTENDEE" not in body and "ORGANIZER" not in body


def renew(client):
    """Renew as the page's form does: it names the address it replaces."""
    page = client.get("/agenda/abonnement").get_data(as_text=True)
    replaces = page.split('name="replaces" value="', 1)[1].split('"', 1)[0]
    return client.post("/agenda/abonnement/renouveler", data={"replaces": replaces})


def test_renewing_kills_the_old_address_and_revoking_kills_the_new(client, world, login_as):
    old = make_address(client, login_as, world.parent_a)
    renewed = renew(client)
    assert renewed.status_code == 200
    new = _path(_address(renewed.get_data(as_text=True)))
    assert new != old
    assert client.get(old).status_code == 404 and client.get(new).status_code == 200
    assert client.post("/agenda/abonnement/supprimer").status_code == 302
    assert client.get(new).status_code == 404
    assert db.session.scalars(select(CalendarFeed)).all() == []


def test_a_renewal_sent_again_keeps_the_address_just_subscribed(client, world, login_as, english):
    """A reload of the renewed page resends its form: the new address must keep working."""
    make_address(client, login_as, world.parent_a)
    page = client.get("/agenda/abonnement").get_data(as_text=True)
    form = {"replaces": page.split('name="replaces" value="', 1)[1].split('"', 1)[0]}
    subscribed = _path(_address(client.post("/agenda/abonnement/renouveler", data=form).get_data(as_text=True)))
    again = english.post("/agenda/abonnement/renouveler", data=form)
    assert again.status_code == 302 and again.headers["Location"] == "/agenda/abonnement"
    assert "already replaced by a new one" in english.get("/agenda/abonnement").get_data(as_text=True)
    assert client.get(subscribed).status_code == 200
    assert english.post("/agenda/abonnement/renouveler").status_code == 302  # no marker: nothing renewed
    assert client.get(subscribed).status_code == 200


def test_making_it_twice_does_not_show_or_replace_it(client, world, login_as):
    path = make_address(client, login_as, world.parent_a)
    again = client.post("/agenda/abonnement/creer")
    assert again.status_code == 302 and again.headers["Location"] == "/agenda/abonnement"
    assert 'id="feed-url"' not in client.get("/agenda/abonnement").get_data(as_text=True)
    assert client.get(path).status_code == 200


def test_a_disabled_account_s_address_gives_404(client, world, login_as):
    path = make_address(client, login_as, world.parent_a)
    world.parent_a.is_enabled = False
    db.session.commit()
    assert client.get(path).status_code == 404


def test_unknown_tokens_give_404(client, world):
    assert client.get("/agenda/prive/nope.ics").status_code == 404
    assert client.get("/agenda/prive/" + "a" * 300 + ".ics").status_code == 404


def test_reading_is_recorded_at_most_once_an_hour(world):
    feeds.create_feed(world.parent_a, utcnow())
    feed = feeds.feed_of(world.parent_a)
    now = utcnow()
    assert feeds.mark_read(feed, now) and feed.last_read_dt == now
    assert not feeds.mark_read(feed, now + timedelta(minutes=59, seconds=59))
    assert feeds.mark_read(feed, now + timedelta(hours=1)) and feed.last_read_dt == now + timedelta(hours=1)


def test_the_page_says_when_a_calendar_app_last_read_it(client, english, world, login_as):
    path = make_address(client, login_as, world.parent_a)
    assert "No calendar app has read it yet" in client.get("/agenda/abonnement").get_data(as_text=True)
    client.get(path)
    assert "Last read by a calendar app just now" in client.get("/agenda/abonnement").get_data(as_text=True)


def test_a_cancelled_event_stays_until_its_day_has_passed(client, world, login_as):
    key = keys.group_key(world.class_a.id)
    coming = make_event(world.school, world.teacher_a, key, title="À venir")
    past = make_event(world.school, world.teacher_a, key, title="Passée", day=today() - timedelta(days=1))
    kept = make_event(world.school, world.teacher_a, key, title="Passée maintenue", day=today() - timedelta(days=1))
    coming.cancelled_dt = past.cancelled_dt = utcnow()
    db.session.commit()
    assert _titles(client.get(make_address(client, login_as, world.parent_a)).data) == {"À venir",
                                                                                          "Passée maintenue"}
    assert kept.cancelled_dt is None


def test_the_window_runs_from_thirty_days_back_to_a_year_ahead(world):
    key = keys.group_key(world.class_a.id)
    for days in (-31, -30, 365, 366):
        make_event(world.school, world.teacher_a, key, title=str(days), day=today() + timedelta(days=days))
    assert {e.title for e in feeds.private_entries(world.parent_a, utcnow())} == {"-30", "365"}


def test_another_city_and_admin_roles_have_no_address_page(client, world, login_as):
    for user in (world.admin, world.dpo):
        login_as(user)
        assert client.get("/agenda/abonnement").status_code == 404
        assert client.post("/agenda/abonnement/creer").status_code == 404
    assert db.session.scalars(select(CalendarFeed)).all() == []
    make_event(world.far.service, world.far.city_agent, keys.ALL_KEY, title="Autre ville")
    make_event(world.school, world.director, keys.ALL_KEY, title="Ville")
    assert _titles(client.get(make_address(client, login_as, world.parent_a)).data) == {"Ville"}


def test_staff_get_the_events_they_reach(client, world, login_as):
    make_event(world.school, world.teacher_a, keys.group_key(world.class_a.id), title="Classe A")
    make_event(world.school, world.teacher_b, keys.group_key(world.class_b.id), title="Classe B")
    assert _titles(client.get(make_address(client, login_as, world.teacher_a)).data) == {"Classe A"}


def test_a_form_without_its_csrf_token_is_refused(client, world, login_as):
    login_as(world.parent_a)
    assert client.post("/agenda/abonnement/creer", csrf=False).status_code == 400
    assert db.session.scalars(select(CalendarFeed)).all() == []
