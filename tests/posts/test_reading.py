"""What the news pages show each reader (``posts.reading``), called as the views call it: a
family sees unread marks, its "To do" list and signature panels; staff see read statistics
only for the posts they wrote or whose school they run, and the audience of each post."""
from __future__ import annotations

from ent_lite import rules
from ent_lite.audience import keys
from ent_lite.consents import services as consents
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.notifications.counts import NavCounts
from ent_lite.posts import reading, services
from tests.posts.helpers import add_city_service


def feed_of(user, child=None):
    return reading.feed(user, NavCounts(user, utcnow()), child, page=1, per_page=20)


def test_a_family_sees_a_post_unread_until_a_guardian_opens_it(world, class_post):
    shown = feed_of(world.parent_a)
    assert [p.id for p in shown.posts] == [class_post.id]
    assert shown.is_guardian and shown.unread == {class_post.id}
    assert shown.stats_by_post == {} and shown.audience_by_post == {}  # no statistics for families
    assert [c.first_name for c in shown.children_by_post[class_post.id]] == ["Awa"]

    services.record_read(world.parent_a, class_post, utcnow())
    db.session.commit()
    assert feed_of(world.parent_a).unread == set()


def test_a_signature_request_is_on_the_family_to_do_list(world, ack_post):
    post = ack_post()
    shown = feed_of(world.parent_a)
    assert [item.post_public_id for item in shown.to_do] == [post.public_id]
    assert shown.ack_by_post[post.id]  # the feed tells what is still to sign
    assert feed_of(world.parent_b).to_do == []  # Léo's class was not asked


def test_a_child_id_from_another_family_narrows_to_nothing(world, class_post):
    other = world.other_child.public_id
    shown = feed_of(world.parent_a, child=other)
    assert shown.posts == [] and shown.chosen == other


def test_staff_see_statistics_of_their_own_posts_only(world, make_post, class_post):
    school_post = make_post(world.director, [keys.establishment_key(world.school.id)], title="Kermesse")
    teacher = feed_of(world.teacher_a)
    assert not teacher.is_guardian and teacher.unread == set() and teacher.to_do == []
    assert {p.id for p in teacher.posts} == {class_post.id, school_post.id}
    assert set(teacher.stats_by_post) == {class_post.id}  # the director's post: no statistics
    assert teacher.stats_by_post[class_post.id].families == 1  # Awa's family, one household
    assert teacher.audience_by_post[school_post.id]

    director = feed_of(world.director)
    assert set(director.stats_by_post) == {class_post.id, school_post.id}  # the whole school's


def test_the_post_page_of_a_guardian_and_of_its_author(world, ack_post):
    post = ack_post()
    now = utcnow()
    family = reading.post_page(world.parent_a, post, now, rules.reach_of(world.parent_a), [])
    assert family.is_guardian and family.signature is not None and family.stats is None
    assert not (family.can_edit or family.can_delete or family.can_track)
    assert family.may_reply

    author = reading.post_page(world.teacher_a, post, now, rules.reach_of(world.teacher_a), [])
    assert author.signature is None and author.stats.children == 1
    assert author.can_edit and author.can_track and not author.may_reply
    assert author.optional_families is None  # not optional city information


def test_only_readers_of_the_statistics_learn_how_many_families_agreed(world):
    add_city_service(world)
    now = utcnow()
    consents.set_consent(world.parent_a, consents.CITY_INFORMATION, True, now)
    post = services.create_post(world.city_agent, "Stage de judo", "x", [keys.ALL_KEY], now,
                                services.PostOptions(optional_info=True))
    db.session.commit()
    author = reading.post_page(world.city_agent, post, now, rules.reach_of(world.city_agent), [])
    assert author.optional_families == 1  # Awa's household: one of its two guardians agreed
    director = reading.post_page(world.director, post, now, rules.reach_of(world.director), [])
    assert director.optional_families is None and director.stats is None


def test_the_tracking_page_names_children_for_their_teacher_not_for_a_city_agent(world, class_post):
    now = utcnow()
    teacher = reading.tracking_page(world.teacher_a, class_post, rules.reach_of(world.teacher_a), now, page=1)
    assert teacher.sees_children and [row.first_name for row in teacher.rows] == ["Awa"]
    assert teacher.counts.families == 1 and teacher.without_account is not None

    add_city_service(world)
    agent_post = services.create_post(world.city_agent, "Piscine", "x", [keys.establishment_key(world.school.id)], now)
    db.session.commit()
    agent = reading.tracking_page(world.city_agent, agent_post, rules.reach_of(world.city_agent), now, page=1)
    assert not agent.sees_children and agent.rows == [] and agent.without_account is None
    assert agent.counts.families == 2  # Awa's and Léo's: the figures, without a name
