"""Publishing an activity, with its announcement read by the families it is for; withdrawing it."""
from __future__ import annotations

import re

from sqlalchemy import select

from ent_lite.activities import manage_publish
from ent_lite.activities.models import Activity, QuotientBracket
from ent_lite.audience import rules
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.notifications.models import NotificationEvent
from ent_lite.posts.models import Post
from tests.activities.factories import make_activity


def test_the_default_audience_is_the_activitys_levels_or_else_the_narrowest(aw):
    activity = make_activity(aw, levels="CP,CE1", published=False)
    targets = rules.postable_targets(aw.world.city_agent)
    assert [t.key for t in manage_publish.default_targets(activity, targets)] == [("level", "CP"), ("level", "CE1")]
    activity.levels = ""
    assert manage_publish.default_targets(activity, targets) == targets[:1]


def test_publishing_with_an_announcement_posts_once_to_the_families_it_is_for(aw, english, login_as):
    activity = make_activity(aw, title="Judo", levels="CP", published=False)
    login_as(aw.world.city_agent)
    page = english.get(f"/activites/{activity.public_id}/publier").get_data(as_text=True)
    ticked = re.findall(r'<input ([^>]*)>', page)
    assert [t for t in ticked if "checked" in t and 'name="targets"' in t] == \
        [t for t in ticked if 'value="level:CP"' in t]
    response = english.post(f"/activites/{activity.public_id}/publier",
                            data={"announce": "y", "scope": "pick:level", "targets": ["level:CP"]})
    assert response.status_code == 302
    db.session.refresh(activity)
    assert activity.is_published(utcnow())
    [post] = db.session.scalars(select(Post)).all()
    assert post.title == "New activity: Judo"
    assert f"/activites/{activity.public_id}" in post.body_html
    assert [(a.kind, a.value) for a in post.audience] == [("level", "CP")]
    assert db.session.scalar(select(db.func.count(NotificationEvent.id)).where(NotificationEvent.post_id == post.id)) == 1
    # The CP family reads it in their news; the CE1 family does not.
    login_as(aw.world.parent_a)
    assert "New activity: Judo" in english.get("/news").get_data(as_text=True)
    login_as(aw.world.parent_b)
    assert "New activity: Judo" not in english.get("/news").get_data(as_text=True)


def test_publishing_without_announcement_posts_nothing(aw, client, login_as):
    activity = make_activity(aw, published=False)
    login_as(aw.world.city_agent)
    assert client.post(f"/activites/{activity.public_id}/publier", data={"targets": ["level:CP"]}).status_code == 302
    assert db.session.scalars(select(Post)).all() == []
    assert db.session.get(Activity, activity.id).published_dt is not None


def test_an_audience_the_author_may_not_use_is_refused(aw, english, login_as):
    activity = make_activity(aw, published=False)
    login_as(aw.world.city_agent)
    forged = f"group:{aw.world.class_a.public_id}"
    page = english.post(f"/activites/{activity.public_id}/publier",
                        data={"announce": "y", "targets": [forged]}).get_data(as_text=True)
    assert "Choose among the audiences listed." in page
    assert db.session.get(Activity, activity.id).published_dt is None
    assert db.session.scalars(select(Post)).all() == []


def test_a_bracket_added_later_must_be_priced_before_publishing(aw, english, login_as):
    activity = make_activity(aw, published=False)
    db.session.add(QuotientBracket(city_id=aw.world.city.id, position=3, label="D", min_quotient=2000))
    db.session.commit()
    login_as(aw.world.city_agent)
    page = english.post(f"/activites/{activity.public_id}/publier", data={}).get_data(as_text=True)
    assert "Give a price for every bracket before publishing (missing: D)." in page
    assert db.session.get(Activity, activity.id).published_dt is None


def test_withdrawing_hides_it_and_publishing_again_shows_it(aw, client, login_as):
    activity = make_activity(aw)
    login_as(aw.world.city_agent)
    assert client.get(f"/activites/{activity.public_id}/retirer").status_code == 405  # no GET changes state
    assert client.post(f"/activites/{activity.public_id}/retirer").status_code == 302
    db.session.refresh(activity)
    assert not activity.is_published(utcnow())
    assert client.post(f"/activites/{activity.public_id}/publier", data={}).status_code == 302
    db.session.refresh(activity)
    assert activity.is_published(utcnow())


def test_an_animator_without_groups_publishes_without_announcement(aw, english, login_as):
    activity = make_activity(aw, establishment=aw.site, published=False)
    login_as(aw.world.animator)
    page = english.get(f"/activites/{activity.public_id}/publier").get_data(as_text=True)
    assert "You have no audience to post an announcement to." in page
    assert english.post(f"/activites/{activity.public_id}/publier", data={}).status_code == 302
