"""A city agent writes a post to criteria: the part of the composer, the count of families
before publishing (everything typed kept), the refusals, and what is stored and shown."""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from ent_lite.audience import keys
from ent_lite.audience.models import AudienceRule, AudienceRulePart
from ent_lite.extensions import db
from ent_lite.posts import services
from ent_lite.posts.models import Post
from tests import factories
from tests.city_life.factories import enrol

PART = "Target by age or periscolaire"


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def form(**fields) -> dict:
    return {"title": "Soirée jeux", "body": "Venez jouer à l’accueil du soir", **fields}


def test_the_part_is_offered_to_city_agents_only(life, login_as, english):
    world = life.world
    page = login_as(world.city_agent).get("/news/new").get_data(as_text=True)
    assert PART in page and "instead of the audience chosen above" in page
    for label in ("Evening childcare", "Wednesday leisure centre", "École Louise Michel", "CM2", "Count the families"):
        assert label in page
    assert "Victor Hugo" not in page  # the other city's school
    assert f'value="{world.school.public_id}"' in page
    assert f'name="rule_schools" type="checkbox" value="{world.school.id}"' not in page
    for staff in (world.director, world.teacher_a, world.animator):
        assert PART not in login_as(staff).get("/news/new").get_data(as_text=True)


def test_counting_shows_the_families_and_keeps_everything_typed(life, login_as, english):
    world = life.world
    response = login_as(world.city_agent).post("/news/new", data=form(
        rule_periscolaire=["evening"], rule_districts=["Nord"], rule_min_age="5", count_families="1"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "This post will reach 1 family." in page
    assert "Families of children aged 5 or more on" in page
    assert "in the Nord district, using the evening childcare" in page
    assert 'value="Soirée jeux"' in page and "Venez jouer" in page and 'value="5"' in page
    assert re.search(r'<input checked[^>]*name="rule_periscolaire"[^>]*value="evening"', page)
    assert re.search(r'<input checked[^>]*name="rule_districts"[^>]*value="Nord"', page)
    assert count(Post) == 0 and count(AudienceRule) == 0


def test_two_children_of_one_family_count_once(life, login_as, english):
    world = life.world
    zoe = factories.make_child(world.city, world.class_b, "Zoé", guardians=[world.parent_a])
    enrol(zoe, life.evening)
    enrol(world.child_b, life.evening)
    db.session.commit()
    page = login_as(world.city_agent).post("/news/new", data=form(
        rule_periscolaire=["evening"], count_families="1")).get_data(as_text=True)
    # Awa and Zoé (parent_a, parent_a2) are one family; Léo is another.
    assert "This post will reach 2 families." in page


def test_publishing_writes_one_rule_and_one_audience_row(life, login_as, english):
    world = life.world
    client = login_as(world.city_agent)
    response = client.post("/news/new", follow_redirects=True, data=form(
        rule_periscolaire=["evening", "wednesday"], rule_levels=["CP"], targets=["all:*"]))
    page = response.get_data(as_text=True)
    assert "Published to 1 family." in page
    post = db.session.scalar(select(Post))
    rule = db.session.scalar(select(AudienceRule))
    assert [(a.kind, a.value) for a in post.audience] == [keys.rule_key(rule.id)]  # the rule replaces "all"
    assert rule.post_id == post.id and rule.city_id == world.city.id
    assert sorted((p.kind, p.value) for p in rule.parts) == [
        ("level", "CP"), ("periscolaire", "evening"), ("periscolaire", "wednesday")]
    assert "Sent to:" in page and (
        "Families of children in CP, using the evening childcare or the Wednesday leisure centre" in page)
    assert "Soirée jeux" in login_as(world.parent_a2).get("/news").get_data(as_text=True)
    assert "Soirée jeux" not in login_as(world.parent_b).get("/news").get_data(as_text=True)


def test_tracking_counts_the_families_of_the_rule(life, login_as, english):
    world = life.world
    client = login_as(world.city_agent)
    client.post("/news/new", data=form(rule_districts=["Nord"], rule_max_age="11"))
    post = db.session.scalar(select(Post))
    login_as(world.parent_b).get(f"/news/{post.public_id}")
    page = login_as(world.city_agent).get(f"/news/{post.public_id}/tracking").get_data(as_text=True)
    assert "Read by 1 of 2 families" in page and "(1 of 2 children)" in page
    assert "Families of children aged 11 or less on" in page and "in the Nord district" in page


@pytest.mark.parametrize("fields, message", [
    ({"rule_min_age": "12", "rule_max_age": "6"}, "The age up to must be at least the age from."),
    ({"rule_min_age": "25"}, "Enter an age in years between 0 and 18."),
    ({"rule_max_age": "-1"}, "Enter an age in years between 0 and 18."),
    ({"rule_min_age": "six"}, "Enter an age in years between 0 and 18."),
    ({"rule_age_on": "31/02/2027", "rule_min_age": "6"}, "Enter the date as day, month and year"),
    ({"rule_periscolaire": ["lunch"]}, "No family matches these criteria"),
    ({"rule_levels": ["CP"], "rule_districts": ["Sud"]}, "No family matches these criteria"),
    ({"rule_levels": ["6e"]}, "Choose among the values listed."),
    ({"count_families": "1"}, "Fill at least one criterion to count the families."),
])
def test_refusals_say_why_and_keep_what_was_typed(life, login_as, english, fields, message):
    response = login_as(life.world.city_agent).post("/news/new", data=form(**fields))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page and "Please correct the fields marked below." in page
    assert 'value="Soirée jeux"' in page
    assert count(Post) == 0 and count(AudienceRule) == 0


def test_a_forged_criterion_from_other_staff_is_ignored(life, login_as, english):
    world = life.world
    login_as(world.teacher_a).post("/news/new", data=form(
        rule_levels=["CM2"], targets=[f"group:{world.class_a.public_id}"]))
    post = db.session.scalar(select(Post))
    assert [(a.kind, a.value) for a in post.audience] == [keys.group_key(world.class_a.id)]
    assert count(AudienceRule) == 0


def test_counting_without_csrf_token_is_refused(life, login_as):
    response = login_as(life.world.city_agent).post("/news/new", csrf=False, data=form(
        rule_levels=["CP"], count_families="1"))
    assert response.status_code == 400


def test_the_rule_goes_with_its_post(life, login_as):
    world = life.world
    login_as(world.city_agent).post("/news/new", data=form(rule_levels=["CP"]))
    post = db.session.scalar(select(Post))
    assert count(AudienceRule) == 1 and count(AudienceRulePart) == 1
    services.delete_post(post)
    db.session.commit()
    assert count(AudienceRule) == 0 and count(AudienceRulePart) == 0


def test_the_audience_is_named_in_french(life, login_as, client):
    world = life.world
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fr"
    next_year = date.today().year + 1  # another year: the date names its year
    login_as(world.city_agent).post("/news/new", data=form(
        rule_min_age="6", rule_max_age="11", rule_age_on=f"01/01/{next_year}", rule_districts=["Nord"],
        rule_periscolaire=["evening"]))
    post = db.session.scalar(select(Post))
    page = client.get(f"/news/{post.public_id}").get_data(as_text=True)
    assert (f"Familles des enfants de 6 à 11 ans au 1 janv. {next_year}, du quartier Nord, inscrits à l’accueil du soir"
            in page)
    page = client.get("/news/new").get_data(as_text=True)
    assert "Cibler par âge ou périscolaire" in page and "Accueil de loisirs du mercredi" in page


def test_a_scheduled_post_to_criteria_keeps_its_rule_when_edited(life, login_as, english):
    world = life.world
    client = login_as(world.city_agent)
    next_year = date.today().year + 1
    client.post("/news/new", data=form(rule_levels=["CP"], publish_date=f"01/01/{next_year}"))
    post = db.session.scalar(select(Post))
    key = keys.rule_key(db.session.scalar(select(AudienceRule.id)))
    page = client.get(f"/news/{post.public_id}/edit").get_data(as_text=True)
    assert "Families of children in CP" in page and PART not in page
    response = client.post(f"/news/{post.public_id}/edit", data={
        "title": "Soirée jeux (nouvel horaire)", "body": "18 h", "publish_date": f"02/01/{next_year}"})
    assert response.status_code == 302
    db.session.expire_all()
    assert post.title == "Soirée jeux (nouvel horaire)" and [(a.kind, a.value) for a in post.audience] == [key]
    assert post.published_dt.year == next_year and count(AudienceRule) == 1
