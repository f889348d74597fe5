"""Publishing an activity, with its announcement read by the families it is for; withdrawing it."""
from __future__ import annotations

import re

from sqlalchemy import select

from ent_lite import rules
from ent_lite.activities import manage_publish
from ent_lite.activities.models import Activity, QuotientBracket
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
    from ent_lite.accounts.models import Membership
    from ent_lite.school.models import Group, GroupKind, PeriscolaireKind

    activity = make_activity(aw, establishment=aw.site, published=False)
    # The site's animator leads no site and has only last year's group: no audience this year.
    last_year = Group(establishment=aw.site, name="Soir", school_year="2020-2021", kind=GroupKind.PERISCOLAIRE,
                      periscolaire_kind=PeriscolaireKind.EVENING)
    db.session.add(last_year)
    db.session.flush()
    membership = db.session.scalar(select(Membership).where(Membership.user_id == aw.world.animator.id,
                                                            Membership.establishment_id == aw.site.id))
    membership.group_id = last_year.id
    db.session.commit()
    login_as(aw.world.animator)
    page = english.get(f"/activites/{activity.public_id}/publier").get_data(as_text=True)
    assert "You have no audience to post an announcement to." in page
    assert english.post(f"/activites/{activity.public_id}/publier", data={}).status_code == 302


def test_withdrawing_cancels_every_registration_frees_the_places_and_tells_each_family(aw, english, login_as):
    from datetime import timedelta

    from ent_lite.activities import allocation, registration
    from ent_lite.activities.models import Registration, RegistrationStatus as S
    from tests import factories

    now = utcnow() - timedelta(minutes=5)
    activity = make_activity(aw, capacity=2, now=now)
    parent_c = factories.make_user(aw.world.city, "guardian", "Zoé", "Martin")
    child_c = factories.make_child(aw.world.city, aw.world.class_a, "Lou", "Martin", guardians=(parent_c,))
    rows = [registration.register(guardian, activity, [child], aw.brackets[0], 0, {}, now)[0].registration
            for child, guardian in ((aw.world.child_a, aw.world.parent_a), (aw.world.child_b, aw.world.parent_b),
                                    (child_c, parent_c))]
    db.session.commit()
    assert allocation.cancel(rows[1], aw.world.parent_b, now)  # child_c is offered the place
    db.session.commit()
    assert [r.status for r in rows] == [S.CONFIRMED, S.CANCELLED, S.OFFERED]
    before = {r.id: len(db.session.scalars(select(NotificationEvent).where(
        NotificationEvent.registration_id == r.id)).all()) for r in rows}
    login_as(aw.world.city_agent)
    page = english.get(f"/activites/{activity.public_id}/modifier").get_data(as_text=True)
    assert "Withdrawing cancels every registration and waiting list place of this activity" in page
    response = english.post(f"/activites/{activity.public_id}/retirer", follow_redirects=True)
    assert "2 registrations are cancelled; each family is told." in response.get_data(as_text=True)
    for row in rows:
        db.session.refresh(row)
    assert [r.status for r in rows] == [S.REMOVED, S.CANCELLED, S.REMOVED]
    db.session.refresh(activity)
    assert activity.places_taken == 0
    after = {r.id: len(db.session.scalars(select(NotificationEvent).where(
        NotificationEvent.registration_id == r.id)).all()) for r in rows}
    assert [after[r.id] - before[r.id] for r in rows] == [1, 0, 1]
    assert db.session.scalar(select(Registration).where(Registration.status.in_(S.ACTIVE))) is None


def test_an_offer_of_a_withdrawn_activity_cannot_be_accepted(aw, login_as, english):
    from datetime import timedelta

    from ent_lite.activities import allocation, registration
    from ent_lite.activities.models import RegistrationStatus as S

    now = utcnow() - timedelta(minutes=5)
    activity = make_activity(aw, capacity=1, now=now)
    row = registration.register(aw.world.parent_a, activity, [aw.world.child_a], aw.brackets[0], 0, {}, now)[0]
    db.session.commit()
    reg = row.registration
    # An offer left over (a withdrawal made before withdraw_all existed, say): never a place.
    reg.status, reg.offer_expires_dt = S.OFFERED, now + timedelta(days=2)
    activity.withdrawn_dt = now
    db.session.commit()
    assert not allocation.offer_is_open(reg, utcnow())
    login_as(aw.world.parent_a)
    response = english.post(f"/activites/inscriptions/{reg.public_id}/accepter", follow_redirects=True)
    assert "This offer is no longer open." in response.get_data(as_text=True)
    db.session.refresh(reg)
    assert reg.status == S.OFFERED
