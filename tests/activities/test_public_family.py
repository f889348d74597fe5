"""/activites/pour-mes-enfants: a guardian sees the activities their children fit, named."""
from __future__ import annotations

from datetime import date, timedelta

from ent_lite.activities import catalogue
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.school.models import GuardianLink
from tests.activities.factories import make_activity
from tests.queries import recorded_statements


def test_each_activity_names_the_children_it_is_for(aw, client, login_as):
    world = aw.world
    world.child_b.first_name = "Léo"
    world.child_b.birth_date = date(2018, 1, 1)
    db.session.add(GuardianLink(child_id=world.child_b.id, user_id=world.parent_a.id, rank=1, relation="mère",
                                legal_authority=True))
    db.session.commit()
    make_activity(aw, title="Pour les CP", levels="CP")
    make_activity(aw, title="Pour tous")
    make_activity(aw, title="Pour les CM2", levels="CM2")
    login_as(world.parent_a)
    html = client.get("/activites/pour-mes-enfants").get_data(as_text=True)
    assert "Pour les CM2" not in html
    cp = html[html.index("Pour les CP"):]
    assert "Pour Awa" in cp[:cp.index("</article>")]
    everyone = html[html.index("Pour tous"):]
    assert "Pour Awa et Léo" in everyone[:everyone.index("</article>")]


def test_closed_windows_and_children_who_left_are_left_out(aw):
    now = utcnow()
    make_activity(aw, title="Fermée", opens=now - timedelta(days=3), closes=now - timedelta(seconds=1), now=now)
    make_activity(aw, title="Bientôt", opens=now + timedelta(days=1), closes=now + timedelta(days=5), now=now)
    titles = [entry.activity.title for entry in catalogue.family_entries(aw.world.parent_a, now)]
    assert titles == ["Bientôt"]
    aw.world.child_a.left_dt = now
    db.session.commit()
    assert catalogue.family_entries(aw.world.parent_a, now) == []


def test_the_page_is_for_guardians_only(aw, client, login_as):
    assert client.get("/activites/pour-mes-enfants").status_code == 302  # the login wall
    for user in (aw.world.teacher_a, aw.world.city_agent):
        login_as(user)
        assert client.get("/activites/pour-mes-enfants").status_code == 404


def test_another_citys_activities_never_reach_a_family(aw, client, login_as):
    from tests.activities.test_public_catalogue import build_far_activity
    make_activity(build_far_activity(aw), title="Ailleurs")
    login_as(aw.world.parent_a)
    assert "Ailleurs" not in client.get("/activites/pour-mes-enfants").get_data(as_text=True)


def test_constant_queries_whatever_the_number_of_activities(aw):
    parent = aw.world.parent_a
    now = utcnow()

    def run():
        db.session.expire_all()
        parent.id  # noqa: B018 (loads the guardian outside the count, as the login does)
        with recorded_statements() as statements:
            entries = catalogue.family_entries(parent, now)
            for entry in entries:  # what the page reads: organiser, window, children
                assert entry.activity.establishment.name and entry.children
                entry.activity.is_open(now)
        return entries, statements

    make_activity(aw, title="Une")
    entries, few = run()
    assert len(entries) == 1
    for n in range(8):
        make_activity(aw, title=f"Encore {n}", levels="CP" if n % 2 else "")
    entries, many = run()
    assert len(entries) == 9
    assert len(many) == len(few) == 3


def test_only_children_the_guardian_may_register_are_offered(aw):
    """No parental authority, or a child of another city: the guardian cannot register them,
    so the family's list does not offer them activities."""
    world = aw.world
    db.session.add(GuardianLink(child_id=world.child_b.id, user_id=world.parent_a.id, rank=1, relation="beau-père",
                                legal_authority=False))
    db.session.add(GuardianLink(child_id=world.far.child.id, user_id=world.parent_a.id, rank=1, relation="mère",
                                legal_authority=True))
    db.session.commit()
    make_activity(aw, title="Pour tous")
    [entry] = catalogue.family_entries(world.parent_a, utcnow())
    assert entry.children == [world.child_a]
    assert catalogue.family_entries(world.parent_b, utcnow())[0].children == [world.child_b]
