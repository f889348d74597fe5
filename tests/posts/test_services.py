"""Writing posts, read receipts and "read by N of M families"."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, insert, select

from ent_lite.audience import keys
from ent_lite.audience.child_keys import child_keys_subquery
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.posts import services, stats
from ent_lite.posts.models import Post, PostAudience, PostRead
from ent_lite.rules import postable_targets
from ent_lite.school.models import Child
from tests import factories
from tests.posts.helpers import add_city_service, add_periscolaire


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_create_post_writes_one_post_and_its_keys(world):
    post = services.create_post(world.teacher_a, " Sortie ", "Bonjour", [keys.group_key(world.class_a.id)], utcnow())
    assert (post.title, post.establishment_id, post.author_id) == ("Sortie", world.school.id, world.teacher_a.id)
    assert [(a.kind, a.value) for a in post.audience] == [("group", str(world.class_a.id))]
    assert post.body_html == "<p>Bonjour</p>"


def test_publishing_to_the_whole_city_is_one_post_and_one_key(world):
    add_city_service(world)
    for n in range(30):
        factories.make_child(world.city, world.class_b, f"Enfant{n}",
                             guardians=[factories.make_user(world.city, "guardian")])
    services.create_post(world.city_agent, "Grève", "Cantine fermée", [keys.ALL_KEY], utcnow())
    assert (count(Post), count(PostAudience), count(PostRead)) == (1, 1, 0)


def test_create_post_accepts_the_targets_postable_targets_returns(world):
    target = postable_targets(world.teacher_a)[0]
    post = services.create_post(world.teacher_a, "T", "B", [target], utcnow())
    assert post.audience[0].kind == target.kind


def test_create_post_refuses_a_foreign_audience(world):
    with pytest.raises(PermissionError):
        services.create_post(world.teacher_a, "T", "B", [keys.group_key(world.class_b.id)], utcnow())
    with pytest.raises(ValueError):
        services.create_post(world.teacher_a, "T", "B", [], utcnow())
    assert count(Post) == 0


def test_a_post_is_sent_from_one_establishment(world):
    factories.add_membership(world.teacher_a, world.other_school, world.other_class)
    with pytest.raises(ValueError):
        services.create_post(world.teacher_a, "T", "B", [keys.group_key(world.class_a.id),
                                                         keys.group_key(world.other_class.id)], utcnow())


def test_record_read_is_idempotent(world, class_post):
    assert services.record_read(world.parent_a, class_post, utcnow()) is True
    assert services.record_read(world.parent_a, class_post, utcnow()) is False
    assert count(PostRead) == 1


def test_record_read_tolerates_a_receipt_written_concurrently(world, class_post):
    # Another request (another connection) wrote the receipt between our page load and insert.
    with db.engine.begin() as other:
        other.execute(insert(PostRead).values(post_id=class_post.id, user_id=world.parent_a.id, read_dt=utcnow()))
    assert services.record_read(world.parent_a, class_post, utcnow()) is False
    db.session.commit()
    assert count(PostRead) == 1


def test_read_stats_count_families_not_guardians(world, class_post):
    assert services.read_stats(class_post)[:2] == (0, 1)
    services.record_read(world.parent_a, class_post, utcnow())
    services.record_read(world.parent_a2, class_post, utcnow())  # same child: same family
    assert services.read_stats(class_post)[:2] == (1, 1)


def test_read_stats_for_a_whole_school_post(world, make_post):
    factories.make_child(world.city, world.class_a, "Zoé", "Lefèvre", guardians=[world.parent_b])  # a sibling
    factories.make_child(world.city, world.class_a, "Nina")  # no guardian on the roster
    left = factories.make_child(world.city, world.class_b, "Tom", guardians=[world.other_parent])
    left.left_dt = utcnow()
    post = make_post(world.director, [keys.establishment_key(world.school.id)])
    # child_a's family, and child_b with their sibling; no guardian or left: not counted.
    assert services.read_stats(post) == services.ReadStats(families_read=0, families=2, children_read=0, children=3)
    services.record_read(world.parent_b, post, utcnow())
    # parent_b read: one family, two children
    assert services.read_stats(post) == services.ReadStats(families_read=1, families=2, children_read=2, children=3)


def test_read_stats_many_is_one_query_for_several_posts(world, make_post, class_post, class_b_post):
    school = make_post(world.director, [keys.establishment_key(world.school.id)])
    services.record_read(world.parent_b, school, utcnow())
    stats = services.read_stats_many([class_post.id, class_b_post.id, school.id])
    assert {post_id: figures[:2] for post_id, figures in stats.items()} == {
        class_post.id: (0, 1), class_b_post.id: (0, 1), school.id: (1, 2)}


def test_count_reached_children_for_each_kind_of_audience(world):
    add_periscolaire(world)
    world.child_b.level = "CP"
    db.session.flush()
    assert services.count_reached_children([keys.group_key(world.class_a.id)], city_id=world.city.id) == 1
    assert services.count_reached_children([keys.establishment_key(world.school.id)], city_id=world.city.id) == 2
    assert services.count_reached_children([keys.district_key("Nord")], city_id=world.city.id) == 2
    # A periscolaire site's district does not pull its children into that district.
    assert services.count_reached_children([keys.district_key("Est")], city_id=world.city.id) == 0
    assert services.count_reached_children([keys.level_key("CP")], city_id=world.city.id) == 2
    assert services.count_reached_children([keys.ALL_KEY], city_id=world.city.id) == 3
    assert services.count_reached_children([keys.group_key(world.class_a.id), keys.ALL_KEY],
                                             city_id=world.city.id) == 3
    # The other city's CP pupil of a "Nord" district counts only for a post sent from there.
    assert services.count_reached_children([keys.district_key("Nord")], city_id=world.far.city.id) == 1
    with pytest.raises(ValueError):
        services.count_reached_children([keys.ALL_KEY])  # a city-wide audience needs its city
    assert services.count_reached_children([]) == 0


def test_a_posts_own_key_kinds_reach_the_children_and_families_every_kind_reaches(world):
    """The tracking page asks the audience's SQL for the post's own key kinds only: it finds
    the same children and families as when every kind is asked for."""
    add_periscolaire(world)
    add_city_service(world)
    world.child_b.level = "CP"
    for author, key in ((world.teacher_a, keys.group_key(world.class_a.id)), (world.city_agent, keys.ALL_KEY),
                        (world.city_agent, keys.level_key("CP")), (world.city_agent, keys.district_key("Nord"))):
        post = services.create_post(author, "T", "B", [key], utcnow())
        every = set(db.session.scalars(stats.reached_child_ids(post.id)))
        assert every, key
        assert set(db.session.scalars(stats.reached_child_ids(post.id, stats.audience_kinds(post)))) == every
        assert stats.read_stats(post) == stats.read_stats_many([post.id])[post.id]


def test_reader_keys_and_sql_child_keys_agree(world):
    """The two statements of the audience rules (Python per reader, SQL for counts) match."""
    add_periscolaire(world)
    factories.make_child(world.city, world.class_b, "Zoé", guardians=[world.parent_a], birth_date=date(2018, 1, 2))
    sql_rows = db.session.execute(select(child_keys_subquery())).all()
    sql_keys: dict[int, set] = {}
    sql_cities: dict[int, set] = {}
    for child_id, kind, value, city_id in sql_rows:
        sql_keys.setdefault(child_id, set()).add((kind, value))
        if city_id is not None:
            sql_cities.setdefault(child_id, set()).add((city_id, (kind, value)))
    for guardian in (world.parent_a, world.parent_b, world.other_parent, world.far.parent):
        reader = keys.reader_keys(guardian.id)
        children = db.session.scalars(select(Child).where(Child.guardian_links.any(user_id=guardian.id))).all()
        python_keys = {k for child in children for k in sql_keys[child.id]}
        assert reader.keys == python_keys
        # District, level and "all" keys hold in the same city in both statements.
        assert {(city, key) for city, found in reader.city_keys.items() for key in found} == {
            pair for child in children for pair in sql_cities.get(child.id, ())}
        for key, places in reader.children_by_key.items():
            assert {p.child_id for p in places} == {c.id for c in children if key in sql_keys[c.id]}


def test_reader_keys_name_the_class_of_each_child(world):
    site, group = add_periscolaire(world)
    reader = keys.reader_keys(world.parent_a.id)
    places = reader.children_for([keys.establishment_key(world.school.id)])
    assert [(p.first_name, p.group_name) for p in places] == [("Awa", "CP A")]
    places = reader.children_for([keys.group_key(group.id)])
    assert [(p.first_name, p.group_name) for p in places] == [("Awa", "Midi")]
    assert reader.children_for([keys.group_key(world.class_b.id)]) == []
