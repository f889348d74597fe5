"""The guardian's registration form and their list: one form for the family, errors that keep
what was typed, a double submission that registers once, and nothing for other families."""
from datetime import timedelta

from sqlalchemy import func, select

from ent_lite.activities import allocation
from ent_lite.activities.retention import deletion_date
from ent_lite.activities.models import BracketDeclaration, Registration, RegistrationNote, RegistrationStatus
from ent_lite.core.dates import format_day
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from tests import factories
from tests.activities.factories import make_activity

S = RegistrationStatus


def second_child(aw):
    """parent_a's second child, Tom, in CE1."""
    child = factories.make_child(aw.world.city, aw.world.class_b, "Tom", "Diallo",
                                 guardians=(aw.world.parent_a, aw.world.parent_a2))
    db.session.commit()
    return child


def registrations():
    return db.session.scalars(select(Registration).order_by(Registration.id)).all()


def url(activity):
    return f"/activites/{activity.public_id}/inscrire"


def test_one_form_registers_two_children_with_the_bracket_price_and_the_note(aw, login_as, english):
    tom = second_child(aw)
    activity = make_activity(aw, capacity=1, prices=(0, 500, 1000))
    client = login_as(aw.world.parent_a)
    page = client.get(url(activity)).get_data(as_text=True)
    assert "Awa" in page and "Tom" in page and "€5.00" in page and "Free" in page
    assert "deleted 15 days after the last session" in page
    response = client.post(url(activity), data={
        "child": [aw.world.child_a.public_id, tom.public_id], "bracket": aw.brackets[1].public_id,
        "bracket_change": "1", f"note-{aw.world.child_a.public_id}": "Allergie aux arachides",
        f"note-{tom.public_id}": ""})
    assert response.status_code == 302 and response.headers["Location"] == "/activites/mes-inscriptions"
    awa, tom_row = registrations()
    assert (awa.status, tom_row.status) == (S.CONFIRMED, S.WAITING)
    assert awa.price_cents == tom_row.price_cents == 500 and awa.bracket_id == aw.brackets[1].id
    assert db.session.scalar(select(RegistrationNote.body).where(RegistrationNote.registration_id == awa.id)) \
        == "Allergie aux arachides"
    # Awa's allergy is hers: her brother's registration carries no note.
    assert db.session.scalar(select(RegistrationNote).where(RegistrationNote.registration_id == tom_row.id)) is None
    mine = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Awa: place confirmed. Amount due: €5.00." in mine
    assert "Tom — Waiting list: first." in mine
    # PRIVACY.md 11: the family sees when the registration and the sensitive note go.
    with client.application.test_request_context(headers={"Accept-Language": "en"}):
        note_day = format_day(deletion_date(db.session.get(RegistrationNote, awa.note.id)))
    assert f"Your note for the organiser will be deleted on {note_day}." in mine
    assert mine.count("This registration will be deleted on") == 2


def test_the_bracket_is_asked_once_a_school_year_and_can_be_changed(aw, login_as, english):
    activity = make_activity(aw)
    db.session.add(BracketDeclaration(user_id=aw.world.parent_a.id, bracket_id=aw.brackets[2].id,
                                      school_year=activity.school_year))
    db.session.commit()
    client = login_as(aw.world.parent_a)
    page = client.get(url(activity)).get_data(as_text=True)
    assert 'name="bracket"' not in page and "Your bracket for" in page and "€10.00" in page
    assert 'name="bracket"' in client.get(url(activity) + "?bracket_change=1").get_data(as_text=True)
    client.post(url(activity), data={"child": [aw.world.child_a.public_id]})
    assert registrations()[0].price_cents == 1000


def test_a_refused_submission_changes_nothing_and_keeps_what_was_typed(aw, login_as, english):
    tom = second_child(aw)
    activity = make_activity(aw, levels="CP")  # Tom is in CE1: no box to tick for him
    client = login_as(aw.world.parent_a)
    page = client.get(url(activity)).get_data(as_text=True)
    assert f'value="{tom.public_id}"' not in page and "not for this child&#39;s age or school level" in page
    response = client.post(url(activity), data={"child": [aw.world.child_a.public_id, tom.public_id],
                                                "bracket_change": "1", f"note-{aw.world.child_a.public_id}": "Asthme"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "error-summary" in html
    assert "Tom: This activity is not for this child" in html and "Choose your family-quotient bracket." in html
    assert "Asthme" in html and f'value="{aw.world.child_a.public_id}" checked' in html
    assert registrations() == [] and db.session.scalar(select(func.count()).select_from(BracketDeclaration)) == 0


def test_no_child_ticked_is_a_clear_error(aw, login_as, english):
    activity = make_activity(aw)
    html = login_as(aw.world.parent_a).post(url(activity), data={
        "bracket": aw.brackets[0].public_id, "bracket_change": "1"}).get_data(as_text=True)
    assert "Tick at least one child to register." in html and registrations() == []


def test_outside_the_window_the_form_says_so_and_refuses(aw, login_as, english):
    now = utcnow()
    activity = make_activity(aw, opens=now + timedelta(days=1), closes=now + timedelta(days=3))
    client = login_as(aw.world.parent_a)
    assert "Registration opens on" in client.get(url(activity)).get_data(as_text=True)
    html = client.post(url(activity), data={"child": [aw.world.child_a.public_id], "bracket_change": "1",
                                            "bracket": aw.brackets[0].public_id}).get_data(as_text=True)
    assert "Awa: Registration opens on" in html and registrations() == []


def test_the_same_form_sent_twice_registers_once(aw, login_as, english):
    activity = make_activity(aw)
    client = login_as(aw.world.parent_a)
    data = {"child": [aw.world.child_a.public_id], "bracket": aw.brackets[0].public_id, "bracket_change": "1"}
    assert client.post(url(activity), data=data).status_code == 302
    html = client.post(url(activity), data=data).get_data(as_text=True)
    assert "Awa: Already registered for this activity." in html
    assert len(registrations()) == 1


def test_a_child_of_another_family_gets_404_and_nothing_changes(aw, login_as):
    activity = make_activity(aw)
    response = login_as(aw.world.parent_b).post(url(activity), data={
        "child": [aw.world.child_a.public_id], "bracket": aw.brackets[0].public_id, "bracket_change": "1"})
    assert response.status_code == 404 and registrations() == []


def test_staff_a_draft_and_the_second_city_get_404(aw, login_as):
    activity = make_activity(aw)
    draft = make_activity(aw, title="Brouillon", published=False)
    assert login_as(aw.world.city_agent).get(url(activity)).status_code == 404
    assert login_as(aw.world.parent_a).get(url(draft)).status_code == 404
    assert login_as(aw.world.far.parent).get(url(activity)).status_code == 404


def test_a_post_without_csrf_token_is_refused(aw, login_as):
    activity = make_activity(aw)
    response = login_as(aw.world.parent_a).post(url(activity), data={
        "child": [aw.world.child_a.public_id], "bracket": aw.brackets[0].public_id, "bracket_change": "1"},
        csrf=False)
    assert response.status_code == 400 and registrations() == []


def make_registered(aw, activity, child, guardian):
    row = Registration(activity_id=activity.id, child_id=child.id, guardian_id=guardian.id, status=S.REQUESTED,
                       price_cents=500, bracket_id=aw.brackets[1].id)
    db.session.add(row)
    db.session.flush()
    allocation.place_first_come(row, utcnow())
    db.session.commit()
    return row


def test_both_guardians_see_the_registration_and_only_they_may_act(aw, login_as, english):
    activity = make_activity(aw)
    row = make_registered(aw, activity, aw.world.child_a, aw.world.parent_a)
    page = login_as(aw.world.parent_a2).get("/activites/mes-inscriptions").get_data(as_text=True)
    assert "Judo" in page and "Awa" in page and "Place confirmed" in page and "Amount due: €5.00" in page
    other = login_as(aw.world.parent_b)
    assert "Judo" not in other.get("/activites/mes-inscriptions").get_data(as_text=True)
    assert other.post(f"/activites/inscriptions/{row.public_id}/annuler").status_code == 404
    assert login_as(aw.world.far.parent).post(f"/activites/inscriptions/{row.public_id}/annuler").status_code == 404
    db.session.refresh(row)
    assert row.status == S.CONFIRMED


def test_cancel_then_the_next_family_accepts_the_offer(aw, login_as, english):
    activity = make_activity(aw, capacity=1)
    first = make_registered(aw, activity, aw.world.child_a, aw.world.parent_a)
    second = make_registered(aw, activity, aw.world.child_b, aw.world.parent_b)
    client = login_as(aw.world.parent_a)
    assert "Cancel the registration" in client.get("/activites/mes-inscriptions").get_data(as_text=True)
    client.post(f"/activites/inscriptions/{first.public_id}/annuler")
    b = login_as(aw.world.parent_b)
    page = b.get("/activites/mes-inscriptions").get_data(as_text=True)
    assert "A place is offered to you" in page and "Answer before" in page
    b.post(f"/activites/inscriptions/{second.public_id}/accepter")
    again = b.post(f"/activites/inscriptions/{second.public_id}/accepter", follow_redirects=True)
    assert "This offer is no longer open." in again.get_data(as_text=True)
    db.session.refresh(second)
    assert second.status == S.CONFIRMED


def test_after_the_deadline_the_family_is_told_to_contact_the_organiser(aw, login_as, english):
    now = utcnow()
    activity = make_activity(aw)
    row = make_registered(aw, activity, aw.world.child_a, aw.world.parent_a)
    activity.cancel_until_dt = now - timedelta(minutes=1)
    db.session.commit()
    client = login_as(aw.world.parent_a)
    page = client.get("/activites/mes-inscriptions").get_data(as_text=True)
    assert "Cancel the registration" not in page and "please contact the organiser (Service des sports)" in page
    client.post(f"/activites/inscriptions/{row.public_id}/annuler")
    db.session.refresh(row)
    assert row.status == S.CONFIRMED


def test_a_declared_bracket_without_a_price_is_a_clear_error_never_a_500(aw, login_as, english):
    activity = make_activity(aw, prices=(0, 500))  # bracket C has no price
    db.session.add(BracketDeclaration(user_id=aw.world.parent_a.id, bracket_id=aw.brackets[2].id,
                                      school_year=activity.school_year))
    db.session.commit()
    client = login_as(aw.world.parent_a)
    assert "Price per child: no price set." in client.get(url(activity)).get_data(as_text=True)
    response = client.post(url(activity), data={"child": [aw.world.child_a.public_id]})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "error-summary" in html
    assert "No price is set for this bracket: please contact the organiser." in html and 'href="#bracket"' in html
    assert registrations() == []


def test_each_child_has_their_own_note_in_their_row(aw, login_as, english):
    tom = second_child(aw)
    activity = make_activity(aw)
    client = login_as(aw.world.parent_a)
    page = client.get(url(activity)).get_data(as_text=True)
    for child in (aw.world.child_a, tom):
        row = page[page.index(f'id="child-{child.public_id}"'):]
        row = row[:row.index("</li>")]
        assert f'name="note-{child.public_id}"' in row and "<details" in row
        assert f"A note for the organiser about {child.first_name} (optional)" in row
    too_long = "x" * 501
    html = client.post(url(activity), data={
        "child": [aw.world.child_a.public_id, tom.public_id], "bracket": aw.brackets[0].public_id,
        "bracket_change": "1", f"note-{aw.world.child_a.public_id}": "Asthme",
        f"note-{tom.public_id}": too_long}).get_data(as_text=True)
    assert "Tom: Write at most 500 characters." in html and f'href="#note-{tom.public_id}"' in html
    assert ">Asthme</textarea>" in html and too_long in html and registrations() == []
    client.post(url(activity), data={
        "child": [aw.world.child_a.public_id, tom.public_id], "bracket": aw.brackets[0].public_id,
        "bracket_change": "1", f"note-{aw.world.child_a.public_id}": "Asthme",
        f"note-{tom.public_id}": "Lunettes"})
    notes = dict(db.session.execute(select(Registration.child_id, RegistrationNote.body)
                                    .join(RegistrationNote, RegistrationNote.registration_id == Registration.id)).all())
    assert notes == {aw.world.child_a.id: "Asthme", tom.id: "Lunettes"}
