"""The organisers' pages: only the activity's managers see children and phone numbers; the
follow-up counts and orders the waiting list; removing a child frees the place for the next."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from ent_lite.activities.models import Registration, RegistrationStatus
from ent_lite.core.dates import format_when
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.notifications.models import NotificationEvent
from tests.activities.factories import make_activity
from tests.activities.privacy_rows import enrol


def _full_activity(aw):
    """Capacity 1: Awa holds the place, Léo then Inès wait."""
    w = aw.world
    now = utcnow()
    activity = make_activity(aw, title="Poney", capacity=1, now=now)
    held = enrol(activity, w.child_a, w.parent_a, now, note="Asthme : ventoline dans le sac")
    first = enrol(activity, w.child_b, w.parent_b, now)
    second = enrol(activity, w.other_child, w.other_parent, now)
    db.session.commit()
    return activity, held, first, second


def pages(activity):
    session = activity.sessions[0]
    return [f"/activites/{activity.public_id}/suivi",
            f"/activites/{activity.public_id}/seances/{session.public_id}",
            f"/activites/{activity.public_id}/liste.csv"]


def test_only_the_activity_managers_see_its_pages(aw, login_as):
    w = aw.world
    activity, *_ = _full_activity(aw)
    for user in (w.animator, w.teacher_a, w.director, w.parent_a, w.admin, w.far.city_agent):
        client = login_as(user)
        for url in pages(activity):
            assert client.get(url).status_code == 404, (user.role, url)
    client = login_as(w.city_agent)
    for url in pages(activity):
        assert client.get(url).status_code == 200, url


def test_an_agent_of_another_service_gets_404(aw, login_as):
    """The animator manages the periscolaire site's activities, not the sports service's."""
    w = aw.world
    site_activity = make_activity(aw, title="Atelier cuisine", establishment=aw.site)
    client = login_as(w.city_agent)
    assert client.get(f"/activites/{site_activity.public_id}/suivi").status_code == 404
    assert login_as(w.animator).get(f"/activites/{site_activity.public_id}/suivi").status_code == 200


def test_follow_up_counts_places_and_orders_the_waiting_list(aw, login_as):
    activity, held, first, second = _full_activity(aw)
    html = login_as(aw.world.city_agent, target=None).get(
        f"/activites/{activity.public_id}/suivi", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "1 place of 1 confirmed" in html
    assert "2 children on the waiting list" in html
    waiting = html[html.index("Waiting list"):]
    assert waiting.index("Léo Lefèvre") < waiting.index("Inès Benali")


def test_removing_a_child_offers_the_place_to_the_first_in_line(aw, login_as):
    activity, held, first, second = _full_activity(aw)
    client = login_as(aw.world.city_agent)
    response = client.post(f"/activites/{activity.public_id}/inscriptions/{held.public_id}/retirer")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Registration, held.id).status == RegistrationStatus.REMOVED
    assert db.session.get(Registration, first.id).status == RegistrationStatus.OFFERED
    assert db.session.get(Registration, second.id).status == RegistrationStatus.WAITING
    told = set(db.session.scalars(select(NotificationEvent.registration_id)))
    assert {held.id, first.id} <= told


def test_removing_needs_the_csrf_token(aw, login_as):
    activity, held, *_ = _full_activity(aw)
    client = login_as(aw.world.city_agent)
    url = f"/activites/{activity.public_id}/inscriptions/{held.public_id}/retirer"
    assert client.post(url, csrf=False).status_code == 400
    db.session.expire_all()
    assert db.session.get(Registration, held.id).status == RegistrationStatus.CONFIRMED


def test_a_registration_of_another_activity_is_404(aw, login_as):
    activity, held, *_ = _full_activity(aw)
    other = make_activity(aw, title="Tennis")
    client = login_as(aw.world.city_agent)
    assert client.post(f"/activites/{other.public_id}/inscriptions/{held.public_id}/retirer").status_code == 404
    db.session.expire_all()
    assert db.session.get(Registration, held.id).status == RegistrationStatus.CONFIRMED


def test_removing_twice_changes_nothing_the_second_time(aw, login_as):
    activity, held, first, _second = _full_activity(aw)
    client = login_as(aw.world.city_agent)
    url = f"/activites/{activity.public_id}/inscriptions/{held.public_id}/retirer"
    client.post(url)
    response = client.post(url, headers={"Accept-Language": "en"}, follow_redirects=True)
    assert "nothing changed" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Registration, first.id).status == RegistrationStatus.OFFERED
    assert db.session.get(type(activity), activity.id).places_taken == 1


def test_an_offer_shows_its_deadline(app, aw, login_as):
    w = aw.world
    now = utcnow()
    activity = make_activity(aw, capacity=2, now=now)
    offer = enrol(activity, w.child_a, w.parent_a, now, status=RegistrationStatus.OFFERED)
    db.session.commit()
    html = login_as(w.city_agent).get(f"/activites/{activity.public_id}/suivi",
                                      headers={"Accept-Language": "en"}).get_data(as_text=True)
    with app.test_request_context(headers={"Accept-Language": "en"}):
        deadline = format_when(offer.offer_expires_dt)
    assert offer.offer_expires_dt == now + timedelta(hours=48)
    assert "1 place held for a family who has not answered yet" in html
    assert "1 free place" in html
    assert deadline in html.split("Places offered, waiting for an answer")[-1]


def test_a_removal_beaten_by_a_cancellation_does_not_say_the_family_is_told(aw, login_as, monkeypatch):
    from sqlalchemy import update

    from ent_lite.activities import allocation

    activity, held, _first, _second = _full_activity(aw)
    real_remove = allocation.remove

    def cancelled_meanwhile(registration, actor, now):
        # The family's cancellation lands between the page's check and the removal.
        db.session.execute(update(Registration).where(Registration.id == registration.id)
                           .values(status=RegistrationStatus.CANCELLED).execution_options(synchronize_session=False))
        return real_remove(registration, actor, now)

    monkeypatch.setattr(allocation, "remove", cancelled_meanwhile)
    client = login_as(aw.world.city_agent)
    response = client.post(f"/activites/{activity.public_id}/inscriptions/{held.public_id}/retirer",
                           headers={"Accept-Language": "en"}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Awa&#39;s registration changed meanwhile: nothing was removed." in html
    assert "is removed from the activity" not in html


def test_an_over_long_activity_id_is_404_on_every_staff_page(aw, login_as):
    from ent_lite.activities import permissions

    activity, *_ = _full_activity(aw)
    client = login_as(aw.world.city_agent)
    assert permissions.find_managed(aw.world.city_agent, activity.public_id) == activity
    assert permissions.find_managed(aw.world.city_agent, activity.public_id + "x" * 200) is None
    for page in pages(activity):
        assert client.get(page.replace(activity.public_id, "x" * 300)).status_code == 404
