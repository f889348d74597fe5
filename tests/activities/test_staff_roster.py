"""A session's roster on the organiser's phone: who, their guardians' phones, the confidential
note, one tap for present or absent; and the same list as a spreadsheet file."""
from __future__ import annotations

import csv
import io

from sqlalchemy import event, func, select

from ent_lite.activities import allocation, rosters
from ent_lite.activities.models import Attendance, RegistrationStatus
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from tests import factories
from tests.activities.factories import make_activity
from tests.activities.privacy_rows import enrol


def _roster_world(aw):
    w = aw.world
    now = utcnow()
    w.parent_a.phone = "06 12 34 56 78"
    w.parent_a2.phone = "07 98 76 54 32"
    activity = make_activity(aw, title="Poney", capacity=2, sessions=2, now=now)
    awa = enrol(activity, w.child_a, w.parent_a, now, note="Allergie aux arachides")
    leo = enrol(activity, w.child_b, w.parent_b, now)
    waiting = enrol(activity, w.other_child, w.other_parent, now)
    db.session.commit()
    return activity, awa, leo, waiting


def _url(activity, session=None):
    session = session or activity.sessions[0]
    return f"/activites/{activity.public_id}/seances/{session.public_id}"


def test_the_roster_lists_children_with_a_place_their_guardians_phones_and_note(aw, login_as):
    activity, awa, leo, waiting = _roster_world(aw)
    html = login_as(aw.world.city_agent).get(_url(activity), headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "DIALLO Awa" in html and "LEFÈVRE Léo" in html
    assert "Benali" not in html  # waiting: no place, not on the roster
    assert 'href="tel:0612345678"' in html and 'href="tel:0798765432"' in html
    assert "Fatou Diallo" in html and "Moussa Diallo" in html
    assert "École Jules Ferry" in html
    assert "Confidential note from the family" in html and "Allergie aux arachides" in html
    assert "2 children with a place" in html


def test_a_tap_records_attendance_and_a_second_tap_replaces_it(aw, login_as):
    activity, awa, *_ = _roster_world(aw)
    session = activity.sessions[0]
    client = login_as(aw.world.city_agent)
    url = f"{_url(activity)}/presence"
    response = client.post(url, data={"mark": f"{awa.public_id}:1"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{_url(activity)}#child-{awa.public_id}")
    client.post(url, data={"mark": f"{awa.public_id}:0"})
    rows = db.session.execute(select(Attendance.present, Attendance.recorded_by_id)
                              .where(Attendance.session_id == session.id)).all()
    assert rows == [(False, aw.world.city_agent.id)]
    html = client.get(_url(activity), headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "0 present, 1 absent" in html
    assert 'aria-pressed="true"' in html


def test_attendance_is_refused_for_a_child_without_a_place(aw, login_as):
    activity, _awa, _leo, waiting = _roster_world(aw)
    client = login_as(aw.world.city_agent)
    response = client.post(f"{_url(activity)}/presence", data={"mark": f"{waiting.public_id}:1"},
                           headers={"Accept-Language": "en"}, follow_redirects=True)
    assert "Attendance was not recorded" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Attendance)) == 0


def test_an_unknown_choice_records_nothing(aw, login_as):
    activity, awa, *_ = _roster_world(aw)
    client = login_as(aw.world.city_agent)
    for mark in (f"{awa.public_id}:maybe", f"{awa.public_id}", "unknown:1", ""):
        assert client.post(f"{_url(activity)}/presence", data={"mark": mark}).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Attendance)) == 0


def test_attendance_needs_the_csrf_token_and_a_manager(aw, login_as):
    activity, awa, *_ = _roster_world(aw)
    url, mark = f"{_url(activity)}/presence", {"mark": f"{awa.public_id}:1"}
    assert login_as(aw.world.city_agent).post(url, data=mark, csrf=False).status_code == 400
    assert login_as(aw.world.animator).post(url, data=mark).status_code == 404
    assert login_as(aw.world.far.city_agent).post(url, data=mark).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(Attendance)) == 0


def test_a_session_or_registration_of_another_activity_is_refused(aw, login_as):
    activity, awa, *_ = _roster_world(aw)
    other = make_activity(aw, title="Tennis")
    client = login_as(aw.world.city_agent)
    url = f"/activites/{activity.public_id}/seances/{other.sessions[0].public_id}"
    assert client.get(url).status_code == 404
    assert client.post(f"{url}/presence", data={"mark": f"{awa.public_id}:1"}).status_code == 404
    # Awa's registration through the other activity's own session: not found there, nothing written.
    client.post(f"/activites/{other.public_id}/seances/{other.sessions[0].public_id}/presence",
                data={"mark": f"{awa.public_id}:1"})
    assert db.session.scalar(select(func.count()).select_from(Attendance)) == 0


def _count_queries(callback) -> int:
    statements = []

    def listen(conn, cursor, statement, *args):
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", listen)
    try:
        callback()
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    return len(statements)


def test_the_roster_costs_the_same_queries_for_two_or_ten_children(aw):
    w = aw.world
    now = utcnow()
    activity = make_activity(aw, capacity=20, now=now)
    for child in (w.child_a, w.child_b):
        enrol(activity, child, w.parent_a, now)
    db.session.commit()
    session = activity.sessions[0]
    db.session.expire_all()
    two = _count_queries(lambda: rosters.roster(activity, session))
    for number in range(8):
        parent = factories.make_user(w.city, "guardian", f"Parent{number}", "Martin")
        child = factories.make_child(w.city, w.class_a, f"Enfant{number}", "Martin", guardians=(parent,))
        enrol(activity, child, parent, now, note="Note")
    db.session.commit()
    db.session.expire_all()
    lines = []
    ten = _count_queries(lambda: lines.extend(rosters.roster(activity, session)))
    assert len(lines) == 10
    assert ten == two


def test_the_csv_opens_in_a_spreadsheet_and_neutralises_formulas(aw, login_as):
    activity, awa, leo, _waiting = _roster_world(aw)
    w = aw.world
    w.child_b.last_name = '=HYPERLINK("http://evil.example","clic")'
    db.session.add(Attendance(session_id=activity.sessions[0].id, registration_id=awa.id, present=True,
                              recorded_by_id=w.city_agent.id))
    db.session.commit()
    response = login_as(w.city_agent).get(f"/activites/{activity.public_id}/liste.csv",
                                          headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    header, *children = rows
    assert header[:6] == ["Last name", "First name", "Level", "School", "Guardian 1", "Phone of guardian 1"]
    assert len(header) == 4 + 2 * 2 + 2  # two guardians at most, two sessions
    by_first = {row[1]: row for row in children}
    assert set(by_first) == {"Awa", "Léo"}
    assert by_first["Awa"][5] == "06 12 34 56 78" and by_first["Awa"][7] == "07 98 76 54 32"
    assert by_first["Awa"][-2:] == ["Present", ""]
    assert by_first["Léo"][0] == "'" + w.child_b.last_name
    assert "Allergie" not in body.decode("utf-8")  # the sensitive note stays on the page


def test_a_removed_child_leaves_the_roster(aw):
    activity, awa, leo, _waiting = _roster_world(aw)
    allocation.remove(awa, aw.world.city_agent, utcnow())
    db.session.commit()
    assert [line.child.first_name for line in rosters.roster(activity)] == ["Léo"]
    assert {line.registration.status for line in rosters.roster(activity)} == {RegistrationStatus.CONFIRMED}


def test_a_roster_of_thirty_children_stays_under_30_kb(aw, login_as):
    w = aw.world
    now = utcnow()
    activity = make_activity(aw, capacity=30, now=now)
    for number in range(30):
        first = factories.make_user(w.city, "guardian", f"Parent{number}", "Martin-Dupont")
        second = factories.make_user(w.city, "guardian", f"Autre{number}", "Martin-Dupont")
        first.phone, second.phone = "06 12 34 56 78", "06 12 34 56 79"
        child = factories.make_child(w.city, w.class_a, f"Enfant{number}", "Martin-Dupont", guardians=(first, second))
        enrol(activity, child, first, now, note="Allergie aux arachides : trousse dans le sac." if number % 3 else None)
    db.session.commit()
    client = login_as(w.city_agent)
    for url in (_url(activity), f"/activites/{activity.public_id}/suivi"):
        assert len(client.get(url).data) <= 30 * 1024, url
