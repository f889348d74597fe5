"""Writing a post: the form, its audiences, its errors, and what families then see."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from ent_lite.extensions import db
from ent_lite.posts.models import Post
from tests import factories
from tests.posts.helpers import add_city_service, add_periscolaire


def post_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Post))


def test_a_teacher_with_one_class_has_it_preselected(world, login_as, english):
    page = login_as(world.teacher_a).get("/news/new").get_data(as_text=True)
    assert "CP A (École Jules Ferry)" in page and "CE1 B" not in page
    assert re.search(rf'<input checked[^>]*value="group:{world.class_a.public_id}"', page)
    assert "Images and HTML are not accepted" in page  # the Markdown hint
    assert f'value="group:{world.class_a.id}"' not in page  # forms carry random ids, not row numbers


def test_a_director_chooses_among_several_audiences_none_preselected(world, login_as, english):
    page = login_as(world.director).get("/news/new").get_data(as_text=True)
    for label in ("CP A (École Jules Ferry)", "CE1 B (École Jules Ferry)", "Whole school: École Jules Ferry"):
        assert label in page
    assert not re.search(r'<input checked[^>]*name="targets"', page)
    assert 'name="targets"' in page
    assert "Louise Michel" not in page


def test_publishing_flashes_the_families_reached_and_shows_the_post(world, login_as, english):
    client = login_as(world.director)
    response = client.post("/news/new", data={"title": "Fête de l'école", "body": "Samedi **10 h**",
                                              "targets": [f"establishment:{world.school.public_id}"]})
    post = db.session.scalar(select(Post))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/news/{post.public_id}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Published to 2 families." in page and "<strong>10 h</strong>" in page
    assert "Fête de l&#39;école" in page


def test_errors_sit_next_to_fields_and_keep_what_was_typed(world, login_as, english):
    client = login_as(world.director)
    response = client.post("/news/new", data={"title": "  ", "body": "Mon texte *tapé*",
                                              "targets": [f"group:{world.class_b.public_id}"]})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and post_count() == 0
    assert 'id="title-error"' in page and "Give the post a title." in page
    assert 'aria-describedby="title-error"' in page
    assert "Mon texte *tapé*</textarea>" in page
    assert re.search(rf'<input checked[^>]*value="group:{world.class_b.public_id}"', page)


def test_an_audience_is_required(world, login_as, english):
    page = login_as(world.teacher_a).post("/news/new", data={"title": "T", "body": "B"}).get_data(as_text=True)
    assert "Choose at least one audience." in page and 'id="targets-error"' in page
    assert post_count() == 0


def test_too_long_title_is_refused_with_a_message(world, login_as, english):
    page = login_as(world.teacher_a).post("/news/new", data={
        "title": "x" * 201, "body": "B", "targets": [f"group:{world.class_a.public_id}"]}).get_data(as_text=True)
    assert "The title can have at most 200 characters." in page and post_count() == 0


def test_posting_without_csrf_token_is_refused(world, login_as):
    response = login_as(world.teacher_a).post("/news/new", csrf=False, data={
        "title": "T", "body": "B", "targets": [f"group:{world.class_a.public_id}"]})
    assert response.status_code == 400 and post_count() == 0


def test_a_teacher_without_class_is_told_so(world, login_as, english):
    newcomer = factories.make_user(world.city, "teacher")
    page = login_as(newcomer).get("/news/new").get_data(as_text=True)
    assert "You have no class or group to post to yet." in page and "<form method=\"post\" action=\"/news/new\"" not in page


@pytest.mark.parametrize("role", ["parent_a", "admin", "dpo"])
def test_who_does_not_post_gets_404(world, login_as, role):
    client = login_as(getattr(world, role))
    assert client.get("/news/new").status_code == 404
    assert client.post("/news/new", data={"title": "T", "body": "B", "targets": ["all:*"]}).status_code == 404
    assert post_count() == 0


def test_a_city_agent_publishes_to_every_family_in_one_post(world, login_as, english):
    add_city_service(world)
    client = login_as(world.city_agent)
    response = client.post("/news/new", follow_redirects=True,
                           data={"title": "Inscriptions centre de loisirs", "body": "Ouvertes", "targets": ["all:*"]})
    assert "Published to 3 families." in response.get_data(as_text=True)
    page = login_as(world.other_parent).get("/news").get_data(as_text=True)
    assert "Inscriptions centre de loisirs" in page and "Service Éducation" in page


def test_an_animator_posts_to_their_periscolaire_group(world, login_as, english):
    site, group = add_periscolaire(world)
    client = login_as(world.animator)
    page = client.get("/news/new").get_data(as_text=True)
    assert "Midi (Centre de loisirs Est)" in page and "CP A" not in page
    client.post("/news/new", data={"title": "Jeux de midi", "body": "Ballon", "targets": [f"group:{group.public_id}"]})
    page = login_as(world.parent_a).get("/news").get_data(as_text=True)
    assert "Jeux de midi" in page and "For Awa (Midi)" in page and "Periscolaire animator" in page
    assert "Jeux de midi" not in login_as(world.parent_b).get("/news").get_data(as_text=True)
