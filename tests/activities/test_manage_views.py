"""The staff pages: who sees them (404 for everyone else), the form sent back whole, the photo."""
from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from ent_lite.activities.models import Activity
from ent_lite.core.db_types import utcnow
from ent_lite.core.localtime import to_local
from ent_lite.extensions import db
from ent_lite.files.models import Attachment
from ent_lite.files.storage import get_storage
from tests.activities.factories import make_activity
from tests.activities.manage_data import form_data
from tests.files.images import GPS_IFD, camera_jpeg, pdf_of_size


def _activities():
    return db.session.scalars(db.select(Activity).order_by(Activity.id)).all()


def test_city_agents_see_their_services_activities_and_animators_their_sites(aw, english, login_as):
    make_activity(aw, title="Judo au gymnase")
    make_activity(aw, title="Atelier cirque", establishment=aw.site)
    login_as(aw.world.city_agent)
    page = english.get("/activites/gerer").get_data(as_text=True)
    assert "Judo au gymnase" in page and "Atelier cirque" not in page
    assert page.index("New activity") < page.index("Judo au gymnase")
    assert "0 places taken / 10" in page and "Published" in page
    login_as(aw.world.animator)
    page = english.get("/activites/gerer").get_data(as_text=True)
    assert "Atelier cirque" in page and "Judo au gymnase" not in page


@pytest.mark.parametrize("role", ["teacher_a", "director", "parent_a", "admin", "dpo"])
def test_other_roles_get_404_on_every_staff_page(aw, client, login_as, role):
    activity = make_activity(aw)
    login_as(getattr(aw.world, role))
    for url in ("/activites/gerer", "/activites/nouvelle", f"/activites/{activity.public_id}/modifier",
                f"/activites/{activity.public_id}/publier"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/activites/{activity.public_id}/retirer").status_code == 404


def test_nothing_crosses_to_another_establishment_or_city(aw, client, login_as):
    site_activity = make_activity(aw, establishment=aw.site)
    activity = make_activity(aw)
    login_as(aw.world.city_agent)
    assert client.get(f"/activites/{site_activity.public_id}/modifier").status_code == 404
    login_as(aw.world.far.city_agent)
    assert client.get("/activites/gerer").status_code == 200
    assert activity.title not in client.get("/activites/gerer").get_data(as_text=True)
    assert client.get(f"/activites/{activity.public_id}/modifier").status_code == 404
    assert client.post(f"/activites/{activity.public_id}/retirer").status_code == 404
    assert client.post(f"/activites/{activity.public_id}/modifier", data=form_data(aw, utcnow())).status_code == 404
    assert db.session.get(Activity, activity.id).withdrawn_dt is None


def test_a_new_activity_is_saved_as_a_draft(aw, english, login_as):
    login_as(aw.world.city_agent)
    assert english.get("/activites/nouvelle").status_code == 200
    response = english.post("/activites/nouvelle", data=form_data(aw, utcnow()))
    assert response.status_code == 302
    [activity] = _activities()
    assert response.headers["Location"].endswith(f"/activites/{activity.public_id}/modifier")
    assert activity.title == "Judo" and activity.published_dt is None and activity.capacity == 12
    assert sorted(p.amount_cents for p in activity.prices) == [0, 500, 1050]
    page = english.get(response.headers["Location"]).get_data(as_text=True)
    assert "Draft: families do not see it yet." in page and 'value="10,50"' in page


def test_a_form_with_errors_saves_nothing_and_keeps_everything_typed(aw, english, login_as):
    login_as(aw.world.city_agent)
    data = form_data(aw, utcnow(), capacity="0", **{"sessions-1-day": "", "sessions-1-starts": "10:00",
                                                    "prices-2-amount": "", "max_age": "5"})
    page = english.post("/activites/nouvelle", data=data).get_data(as_text=True)
    assert _activities() == []
    assert "Please correct the fields marked below." in page
    for message in ("Give at least 1 place.", "Give this session a day, a start time and an end time.",
                    "Give the price for bracket C (0 if free).",
                    "The maximum age must not be below the minimum age."):
        assert message in page
    assert 'href="#capacity"' in page and 'href="#sessions-1-day"' in page and 'href="#prices-2-amount"' in page
    assert 'value="Judo"' in page and "Judo pour les 6-8 ans." in page and 'value="Gymnase du Parc"' in page
    assert 'value="10:00"' in page


@pytest.mark.parametrize("capacity, message", [("abc", "Enter a whole number, for example 12."),
                                                ("99999999999999", "Give at most 10000 places.")])
def test_a_capacity_that_is_no_number_or_too_large_is_refused(aw, english, login_as, capacity, message):
    login_as(aw.world.city_agent)
    response = english.post("/activites/nouvelle", data=form_data(aw, utcnow(), capacity=capacity))
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert _activities() == []


def test_add_sessions_sends_the_form_back_with_more_rows_and_nothing_lost(aw, english, login_as):
    login_as(aw.world.city_agent)
    data = form_data(aw, utcnow(), add_sessions="1", title="Cirque")
    page = english.post("/activites/nouvelle", data=data).get_data(as_text=True)
    assert _activities() == []
    assert 'name="sessions-5-day"' in page and 'name="sessions-6-day"' not in page
    assert 'value="Cirque"' in page and "Please correct" not in page


def test_the_activity_form_refuses_a_post_without_csrf_token(aw, client, login_as):
    login_as(aw.world.city_agent)
    response = client.post("/activites/nouvelle", data=form_data(aw, utcnow()), csrf=False)
    assert response.status_code == 400
    assert _activities() == []


def test_editing_changes_the_activity(aw, english, login_as):
    activity = make_activity(aw, capacity=10)
    login_as(aw.world.city_agent)
    page = english.get(f"/activites/{activity.public_id}/modifier").get_data(as_text=True)
    assert 'value="Judo"' in page and 'value="10"' in page
    starts = to_local(activity.sessions[0].starts_dt).strftime("%H:%M")
    assert f'name="sessions-0-starts" type="time" value="{starts}"' in page
    response = english.post(f"/activites/{activity.public_id}/modifier",
                            data=form_data(aw, utcnow(), title="Judo avancé", capacity="15"))
    assert response.status_code == 302
    db.session.refresh(activity)
    assert activity.title == "Judo avancé" and activity.capacity == 15


def _photo_upload():
    return (io.BytesIO(camera_jpeg((800, 600))), "plage.jpg")


def test_the_photo_is_stored_without_its_gps_metadata(aw, client, login_as):
    login_as(aw.world.city_agent)
    response = client.post("/activites/nouvelle", data={**form_data(aw, utcnow()), "photo": _photo_upload()},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    [activity] = _activities()
    assert activity.photo_key and activity.photo_thumb_key
    with get_storage().open(activity.photo_key) as stored:
        image = Image.open(io.BytesIO(stored.read()))
    assert GPS_IFD not in image.getexif() and not image.getexif()
    # The draft row it went through is gone; its files are the activity's.
    assert db.session.scalars(db.select(Attachment)).all() == []


def test_a_photo_survives_a_form_sent_back_with_errors(aw, client, login_as):
    login_as(aw.world.city_agent)
    data = {**form_data(aw, utcnow(), capacity="0"), "photo": _photo_upload()}
    page = client.post("/activites/nouvelle", data=data, content_type="multipart/form-data").get_data(as_text=True)
    draft_id = re.search(r'name="photo_draft" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/activites/nouvelle", data=form_data(aw, utcnow(), photo_draft=draft_id))
    assert response.status_code == 302
    [activity] = _activities()
    assert activity.photo_key and get_storage().exists(activity.photo_key)


def test_another_users_draft_is_never_adopted(aw, client, login_as):
    login_as(aw.world.animator)
    data = {**form_data(aw, utcnow(), capacity="0"), "photo": _photo_upload()}
    page = client.post("/activites/nouvelle", data=data, content_type="multipart/form-data").get_data(as_text=True)
    draft_id = re.search(r'name="photo_draft" type="hidden" value="([^"]+)"', page).group(1)
    login_as(aw.world.city_agent)
    assert client.post("/activites/nouvelle", data=form_data(aw, utcnow(), photo_draft=draft_id)).status_code == 302
    [activity] = _activities()
    assert activity.photo_key is None
    assert db.session.scalar(db.select(Attachment).where(Attachment.public_id == draft_id)) is not None


def test_a_pdf_is_no_photo(aw, english, login_as):
    login_as(aw.world.city_agent)
    data = {**form_data(aw, utcnow()), "photo": (io.BytesIO(pdf_of_size(2000)), "programme.pdf")}
    response = english.post("/activites/nouvelle", data=data, content_type="multipart/form-data")
    assert _activities() == []
    assert "The photo must be a JPEG, PNG or WebP image." in response.get_data(as_text=True)
    assert db.session.scalars(db.select(Attachment)).all() == []


def test_the_staff_pages_stay_light(aw, client, login_as):
    activity = make_activity(aw, sessions=6)
    login_as(aw.world.city_agent)
    for url in ("/activites/gerer", "/activites/nouvelle", f"/activites/{activity.public_id}/modifier",
                f"/activites/{activity.public_id}/publier"):
        response = client.get(url)
        assert response.status_code == 200 and len(response.data) <= 30 * 1024, (url, len(response.data))
    login_as(aw.world.admin)
    assert len(client.get("/activites/tranches").data) <= 30 * 1024
