"""Open data: the JSON feed follows its published schema, Atom parses, iCalendar has one event
per session in Europe/Paris; all accept the catalogue's filters and name nobody."""
from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from xml.etree import ElementTree

import jsonschema
from icalendar import Calendar

from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from tests.activities.factories import make_activity, make_campaign
from tests.activities.test_public_catalogue import build_far_activity

SCHEMA = json.loads((Path(__file__).parents[2] / "docs/opendata/activities.schema.json").read_text())
ATOM = "{http://www.w3.org/2005/Atom}"


def test_the_json_feed_follows_its_schema(aw, client):
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    judo = make_activity(aw, title="Judo", min_age=6, max_age=11, levels="CP,CE1", sessions=2, prices=(0, 250, 500))
    make_activity(aw, title="Séjour", mode="lottery", campaign=make_campaign(aw), category="holiday_stay")
    response = client.get("/activites.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    document = response.get_json()
    jsonschema.validate(document, SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    record = next(item for item in document["activities"] if item["id"] == judo.public_id)
    assert record["levels"] == ["CP", "CE1"] and len(record["sessions"]) == 2
    assert [price["amount_cents"] for price in record["prices"]] == [0, 250, 500]
    assert record["url"] == f"http://localhost/activites/{judo.public_id}"
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_the_schema_refuses_an_undocumented_field(aw, client):
    make_activity(aw, title="Judo")
    document = client.get("/activites.json").get_json()
    document["activities"][0]["guardian_email"] = "x@example.org"
    try:
        jsonschema.validate(document, SCHEMA)
    except jsonschema.ValidationError:
        return
    raise AssertionError("a field outside the schema was accepted")


def test_the_atom_feed_is_valid_atom(aw, client):
    make_activity(aw, title="Judo")
    make_activity(aw, title="Danse & <hip-hop>")
    response = client.get("/activites.atom")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    feed = ElementTree.fromstring(response.data)
    assert feed.tag == f"{ATOM}feed"
    for tag in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{tag}") is not None, tag
    entries = feed.findall(f"{ATOM}entry")
    assert sorted(entry.findtext(f"{ATOM}title") for entry in entries) == ["Danse & <hip-hop>", "Judo"]
    for entry in entries:
        assert entry.findtext(f"{ATOM}id").startswith("http://localhost/activites/")
        assert entry.findtext(f"{ATOM}updated").endswith("Z")
        assert entry.find(f"{ATOM}link").get("href") == entry.findtext(f"{ATOM}id")


def test_the_calendar_has_one_event_per_session_in_paris_time(aw, client):
    now = utcnow()
    first = (now + timedelta(days=20)).replace(hour=13, minute=30, second=0, microsecond=0)
    activity = make_activity(aw, title="Poterie", first_session=first, sessions=3)
    response = client.get("/activites.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    events = calendar.walk("VEVENT")
    assert len(events) == 3
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    starts = sorted(event.decoded("DTSTART") for event in events)
    assert starts[0] == first and str(starts[0].tzinfo) == "Europe/Paris"
    assert all(event["LOCATION"] == "Gymnase du Parc" for event in events)
    assert all(str(event["URL"]) == f"http://localhost/activites/{activity.public_id}" for event in events)
    uids = {str(event["UID"]) for event in events}
    assert uids == {f"{session.public_id}@localhost" for session in activity.sessions}
    # Editing the activity keeps the events' identity, so calendars update instead of duplicating.
    activity.title = "Poterie et modelage"
    db.session.commit()
    again = Calendar.from_ical(client.get("/activites.ics").data)
    assert {str(event["UID"]) for event in again.walk("VEVENT")} == uids


def test_feeds_accept_the_catalogues_filters(aw, client):
    make_activity(aw, title="Escalade", min_age=6, max_age=11)
    make_activity(aw, title="Éveil", min_age=3, max_age=5)
    titles = [item["title"] for item in client.get("/activites.json?age=5").get_json()["activities"]]
    assert titles == ["Éveil"]
    calendar = Calendar.from_ical(client.get("/activites.ics?age=5").data)
    assert [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")] == ["Éveil"]
    feed = ElementTree.fromstring(client.get("/activites.atom?age=7").data)
    assert [entry.findtext(f"{ATOM}title") for entry in feed.findall(f"{ATOM}entry")] == ["Escalade"]


def test_a_bad_filter_is_a_400_for_every_feed(aw, client):
    for url in ("/activites.json", "/activites.atom", "/activites.ics"):
        response = client.get(f"{url}?age=douze")
        assert response.status_code == 400 and "âge" in response.get_data(as_text=True), url


def test_feeds_hold_only_the_catalogue_citys_published_activities(aw, client):
    make_activity(aw, title="Visible")
    make_activity(aw, title="Brouillon", published=False)
    make_activity(build_far_activity(aw), title="Ailleurs")
    titles = [item["title"] for item in client.get("/activites.json").get_json()["activities"]]
    assert titles == ["Visible"]
    for url in ("/activites.atom", "/activites.ics"):
        text = client.get(url).get_data(as_text=True)
        assert "Visible" in text and "Brouillon" not in text and "Ailleurs" not in text


def test_feeds_may_be_cached_and_set_no_cookie(aw, client):
    make_activity(aw, title="Judo")
    for url in ("/activites.json", "/activites.atom", "/activites.ics"):
        response = client.get(url)
        assert response.headers["Cache-Control"] == "public, max-age=300"
        assert "Set-Cookie" not in response.headers
