"""The audience "families whose children have no activity yet this year": who it reaches."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ent_lite.audience import keys
from ent_lite.audience.child_keys import child_keys_subquery
from ent_lite.extensions import db
from ent_lite.posts import services
from ent_lite.posts.models import Post
from ent_lite.school.models import Child
from tests import factories
from tests.activities.indicator_helpers import register, this_year_activity
from tests.posts.helpers import add_periscolaire

TOKEN = f"no_activity:{factories.SCHOOL_YEAR}"
KEY = keys.no_activity_key(factories.SCHOOL_YEAR)


def test_a_family_whose_child_attended_does_not_read_the_post_the_others_do(aw, login_as, english):
    judo = this_year_activity(aw)
    register(judo, aw.world.child_a)                # Awa took part: her parents are not reached
    register(judo, aw.world.child_b, present=False)  # Léo was registered but absent: reached
    client = login_as(aw.world.city_agent)
    response = client.post("/news/new", data={"title": "Stages de printemps", "body": "Inscriptions ouvertes.",
                                              "scope": TOKEN})
    assert response.status_code == 302, response.get_data(as_text=True)
    post = db.session.scalar(select(Post))
    assert [(a.kind, a.value) for a in post.audience] == [KEY]
    for reader, reads in [(aw.world.parent_a, False), (aw.world.parent_a2, False), (aw.world.parent_b, True),
                          (aw.world.other_parent, True), (aw.world.far.parent, False)]:
        page = login_as(reader).get("/news").get_data(as_text=True)
        assert ("Stages de printemps" in page) is reads, reader.display_name


def test_the_families_reached_are_counted_before_publishing(aw, login_as, english):
    register(this_year_activity(aw), aw.world.child_a)
    page = login_as(aw.world.city_agent).post("/news/new", data={
        "title": "Stages", "body": "B", "scope": TOKEN, "preview": "1"}).get_data(as_text=True)
    # Léo's and Inès's families; not Awa's (two parents, one family), not the other city's.
    assert services.count_households([KEY], aw.world.city.id) == 2
    assert "2 families" in page
    assert db.session.scalar(select(Post)) is None


def test_the_audience_is_offered_to_city_agents_only(aw, login_as, english):
    page = login_as(aw.world.city_agent).get("/news/new").get_data(as_text=True)
    assert f'value="{TOKEN}"' in page
    assert "Families of children with no activity yet in" in page
    page = login_as(aw.world.director).get("/news/new").get_data(as_text=True)
    assert "no_activity" not in page
    response = login_as(aw.world.director).post("/news/new", data={"title": "T", "body": "B", "targets": [TOKEN]})
    assert "Choose among the audiences listed." in response.get_data(as_text=True)
    assert db.session.scalar(select(Post)) is None


def test_an_unknown_audience_in_the_link_chooses_nothing(aw, login_as, english):
    page = login_as(aw.world.city_agent).get("/news/new?audience=no_activity:2001-2002").get_data(as_text=True)
    assert 'value="no_activity:2001-2002"' not in page and " checked" not in page.split('name="title"')[0]


def test_reader_keys_and_sql_child_keys_agree_on_activities(aw):
    """Both statements of the audience rules say the same about who has no activity yet."""
    add_periscolaire(aw.world)
    zoe = factories.make_child(aw.world.city, aw.world.class_b, "Zoé", guardians=[aw.world.parent_a],
                               birth_date=date(2018, 1, 2))
    judo = this_year_activity(aw)
    register(judo, aw.world.child_a)
    register(judo, zoe, present=False)
    register(judo, aw.world.far.child)  # an activity of this city does not count for the other one
    sql_keys: dict[int, set] = {}
    sql_cities: dict[int, set] = {}
    for child_id, kind, value, city_id in db.session.execute(select(child_keys_subquery())).all():
        sql_keys.setdefault(child_id, set()).add((kind, value))
        if city_id is not None:
            sql_cities.setdefault(child_id, set()).add((city_id, (kind, value)))
    assert KEY not in sql_keys[aw.world.child_a.id]
    assert KEY in sql_keys[zoe.id] and KEY in sql_keys[aw.world.far.child.id]
    for guardian in (aw.world.parent_a, aw.world.parent_b, aw.world.other_parent, aw.world.far.parent):
        reader = keys.reader_keys(guardian.id)
        children = db.session.scalars(select(Child).where(Child.guardian_links.any(user_id=guardian.id))).all()
        assert reader.keys == {k for child in children for k in sql_keys[child.id]}
        assert {(city, key) for city, found in reader.city_keys.items() for key in found} == {
            pair for child in children for pair in sql_cities.get(child.id, ())}
        for key, places in reader.children_by_key.items():
            assert {p.child_id for p in places} == {c.id for c in children if key in sql_keys[c.id]}
    # Awa's family is still reached through Zoé, and the post names Zoé alone.
    places = keys.reader_keys(aw.world.parent_a.id).children_for([KEY])
    assert [p.first_name for p in places] == ["Zoé"]


def test_a_child_without_a_class_this_year_is_not_in_the_audience(aw):
    aw.world.class_b.school_year = "2001-2002"
    db.session.commit()
    assert KEY not in keys.reader_keys(aw.world.parent_b.id).keys
    assert services.count_households([KEY], aw.world.city.id) == 2  # Awa's and Inès's families
