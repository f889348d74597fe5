"""An activity's public page and photo: everything a parent needs, for published activities only."""
from __future__ import annotations

from datetime import timedelta

import pytest

from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.files.storage import get_storage, new_key
from tests.activities.factories import make_activity, make_campaign
from tests.activities.test_public_catalogue import build_far_activity


def test_the_page_tells_a_parent_everything(aw, english):
    activity = make_activity(aw, title="Judo", min_age=6, max_age=11, sessions=2, prices=(0, 500, 1250), capacity=12)
    activity.description = "Découverte du judo.\nTenue de sport."
    db.session.commit()
    response = english.get(f"/activites/{activity.public_id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for text in ("Découverte du judo.\nTenue de sport.", "Gymnase du Parc", "6 to 11 years old", "12 places in all",
                 "12 places left", "Open until", "Possible until", "Certificat médical", "Sessions",
                 "Service des sports", "up to €600 a month", "€601 to €1,200 a month", "€1,201 a month or more",
                 "Free", "€5.00", "€12.50"):
        assert text in html, text
    assert html.count("<li><time") == 2
    assert len(response.data) <= 30 * 1024


def test_a_lottery_page_shows_the_campaign_and_its_priority_rules(aw, client):
    campaign = make_campaign(aw)
    activity = make_activity(aw, title="Séjour mer", mode="lottery", campaign=campaign)
    html = client.get(f"/activites/{activity.public_id}").get_data(as_text=True)
    assert "Séjours d’été" in html or "Séjours d&#39;été" in html
    assert "Règles de priorité" in html and "aucune activité confirmée" in html
    assert "Tirage au sort" in html


@pytest.mark.parametrize("case", ["draft", "withdrawn", "finished", "far", "unknown"])
def test_hidden_activities_are_404(aw, client, case):
    now = utcnow()
    activity = make_activity(aw, title="Caché", published=case != "draft")
    if case == "withdrawn":
        activity.withdrawn_dt = now
    if case == "finished":
        activity.last_session_dt = now - timedelta(minutes=1)
    if case == "far":
        activity = make_activity(build_far_activity(aw), title="Caché")
    db.session.commit()
    public_id = "x" * 22 if case == "unknown" else activity.public_id
    assert client.get(f"/activites/{public_id}").status_code == 404
    assert client.get(f"/activites/{public_id}/photo").status_code == 404


def test_no_register_button_for_visitors_or_staff(aw, client, login_as):
    activity = make_activity(aw, title="Judo")
    assert "inscrire" not in client.get(f"/activites/{activity.public_id}").get_data(as_text=True)
    login_as(aw.world.teacher_a)
    assert "inscrire" not in client.get(f"/activites/{activity.public_id}").get_data(as_text=True)


def _with_photo(aw, **kwargs):
    activity = make_activity(aw, title="Photo", **kwargs)
    activity.photo_key, activity.photo_thumb_key = new_key("jpg"), new_key("webp")
    get_storage().save(activity.photo_key, b"\xff\xd8\xff full")
    get_storage().save(activity.photo_thumb_key, b"RIFF thumb")
    db.session.commit()
    return activity


def test_the_photo_is_served_inline_with_safe_headers(aw, client):
    activity = _with_photo(aw)
    html = client.get(f"/activites/{activity.public_id}").get_data(as_text=True)
    assert f"/activites/{activity.public_id}/photo?size=thumb" in html
    full = client.get(f"/activites/{activity.public_id}/photo")
    assert full.status_code == 200 and full.data == b"\xff\xd8\xff full" and full.mimetype == "image/jpeg"
    assert full.headers["Content-Disposition"].startswith("inline")
    assert full.headers["X-Content-Type-Options"] == "nosniff"
    assert full.headers["Cache-Control"] == "public, max-age=300"
    thumb = client.get(f"/activites/{activity.public_id}/photo?size=thumb")
    assert thumb.data == b"RIFF thumb" and thumb.mimetype == "image/webp"


def test_a_drafts_photo_is_not_served(aw, client):
    activity = _with_photo(aw, published=False)
    assert client.get(f"/activites/{activity.public_id}/photo").status_code == 404


def test_an_activity_without_photo_has_none(aw, client):
    activity = make_activity(aw, title="Sans photo")
    assert client.get(f"/activites/{activity.public_id}/photo").status_code == 404
