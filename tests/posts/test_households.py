"""Every "families" figure counts families (school.households), children second.

The school below, besides ``world``'s Diallo family (two parents of Awa, class A) and Léo
Lefèvre (class B):
- Zoé, Léo's sister (class A): the Lefèvre siblings are one family;
- Lina (class A), whose parents Nora and Hugo are separated and live apart: one family, the
  child ties them (ent_lite holds no address, and must not guess where a child lives);
- Tim (class B), Hugo's son with his new partner Emma: the links join him to Lina's family;
- Nina (class A), no guardian on the roster: nobody to reach, not counted.
So a whole-school post reaches 3 families and 5 children.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from ent_lite.audience import keys
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.posts import services, tracking
from ent_lite.posts.stats import ChannelReach, ReadStats, reach_by_channel
from tests import factories
from tests.queries import recorded_statements


@dataclass
class School:
    nora: object
    hugo: object
    emma: object
    lina: object
    tim: object
    zoe: object


@pytest.fixture
def school(world) -> School:
    city = world.city
    nora = factories.make_user(city, "guardian", "Nora", "Petit")
    hugo = factories.make_user(city, "guardian", "Hugo", "Marchand")
    emma = factories.make_user(city, "guardian", "Emma", "Roche")
    zoe = factories.make_child(city, world.class_a, "Zoé", "Lefèvre", guardians=[world.parent_b])
    lina = factories.make_child(city, world.class_a, "Lina", "Marchand", guardians=[nora, hugo])
    tim = factories.make_child(city, world.class_b, "Tim", "Marchand", guardians=[hugo, emma])
    factories.make_child(city, world.class_a, "Nina", "Sans")
    db.session.commit()
    return School(nora, hugo, emma, lina, tim, zoe)


def whole_school(world):
    return [keys.establishment_key(world.school.id)]


def test_two_parents_of_one_child_are_one_family(world):
    assert services.count_households([keys.group_key(world.class_a.id)], world.city.id) == 1  # Awa's parents


def test_siblings_are_one_family(world, school):
    # Léo (class B) and Zoé (class A) have the same mother.
    lefevre = [keys.group_key(world.class_b.id), keys.group_key(world.class_a.id)]
    assert services.count_households(lefevre, world.city.id) == 3
    assert services.count_reached_children(lefevre, world.city.id) == 5


def test_separated_parents_of_one_child_are_one_family(world, school):
    # Class A: Awa's parents, Zoé's mother, Lina's separated parents: three families.
    assert services.count_households([keys.group_key(world.class_a.id)], world.city.id) == 3
    # Hugo's two children with two mothers: Lina, Nora, Hugo, Tim and Emma are one family.
    assert services.count_households(whole_school(world), world.city.id) == 3


def test_a_family_has_read_when_one_of_its_guardians_opened_the_post(world, school, make_post):
    post = make_post(world.director, whole_school(world))
    assert services.read_stats(post) == ReadStats(families_read=0, families=3, children_read=0, children=5)
    services.record_read(world.parent_b, post, utcnow())  # Léo and Zoé's mother
    assert services.read_stats(post) == ReadStats(families_read=1, families=3, children_read=2, children=5)
    services.record_read(school.nora, post, utcnow())  # Lina's mother: her family now has read
    services.record_read(school.hugo, post, utcnow())  # the same family: no new one
    assert services.read_stats(post) == ReadStats(families_read=2, families=3, children_read=4, children=5)


def test_the_other_city_is_counted_apart(world, school, make_post):
    # Both cities have a "Nord" district; only the sender's city counts.
    assert services.count_households([keys.district_key("Nord")], world.city.id) == 3
    assert services.count_households([keys.district_key("Nord")], world.far.city.id) == 1
    far_post = make_post(world.far.director, [keys.establishment_key(world.far.school.id)])
    services.record_read(world.parent_b, far_post, utcnow())  # not of that city: changes nothing
    assert services.read_stats(far_post) == ReadStats(families_read=0, families=1, children_read=0, children=1)


def test_the_reach_told_per_channel_counts_families(world, school):
    reach = reach_by_channel(whole_school(world), world.city.id)
    assert reach == ChannelReach(families=3, email=3, push=0, nothing=0)
    for guardian in (school.nora, school.hugo):
        guardian.password_hash = None  # never activated; Emma has an account: the family is told
    world.parent_b.password_hash = None
    db.session.commit()
    assert reach_by_channel(whole_school(world), world.city.id) == ChannelReach(families=3, email=2, push=0,
                                                                                nothing=1)


def test_a_reminder_counts_the_families_still_to_sign(world, school):
    now = utcnow()
    post = services.create_post(world.director, "Sortie", "Merci de signer.", whole_school(world), now,
                                services.PostOptions(requires_ack=True))
    db.session.commit()
    # Everyone still has to sign: 3 families (Lina's two homes are one, Léo and Zoé's mother one).
    assert tracking.reminder_families(post) == 3
    services.record_read(world.parent_a, post, utcnow())
    assert tracking.request_reminder(post, world.director, now + timedelta(minutes=1)) == 3


def test_the_tracking_page_says_families_then_children(world, school, make_post, login_as):
    post = make_post(world.director, whole_school(world))
    services.record_read(world.parent_b, post, utcnow())
    page = login_as(world.director).get(f"/news/{post.public_id}/tracking", headers={"Accept-Language": "fr"})
    html = page.get_data(as_text=True)
    assert "Lu par 1 des 3 familles (2 des 5 enfants)" in html


def test_the_tracking_page_in_english(world, school, make_post, login_as, english):
    post = make_post(world.director, whole_school(world))
    services.record_read(world.parent_b, post, utcnow())
    html = login_as(world.director).get(f"/news/{post.public_id}/tracking").get_data(as_text=True)
    assert "Read by 1 of 3 families (2 of 5 children)" in html


def _add_families(world, n: int) -> None:
    for i in range(n):
        mother = factories.make_user(world.city, "guardian", "Mère", f"Famille{i}")
        father = factories.make_user(world.city, "guardian", "Père", f"Famille{i}")
        factories.make_child(world.city, world.class_a, "Aîné", f"Famille{i}", guardians=[mother, father])
        factories.make_child(world.city, world.class_b, "Cadet", f"Famille{i}", guardians=[mother, father])
    db.session.commit()


def test_family_counts_cost_the_same_for_1_or_30_families(world, make_post):
    post = make_post(world.director, whole_school(world))

    def statements():
        with recorded_statements() as seen:
            services.read_stats_many([post.id])
            reach_by_channel(whole_school(world), world.city.id)
            services.count_households(whole_school(world), world.city.id)
            tracking.reminder_families(post)
        return len(seen)

    few = statements()
    _add_families(world, 30)
    assert statements() == few
    assert services.read_stats(post)[:2] == (0, 32)
