"""Photos tagging a child: refused without consent for the audience, withheld after withdrawal."""
from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import func, select

from ent_lite import rules
from ent_lite.accounts.models import Role
from ent_lite.audience import keys
from ent_lite.consents import services as consents
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.files.models import Attachment
from ent_lite.posts import photo_tags
from ent_lite.posts.models import Post, PostPhotoChild
from tests import factories
from tests.files.images import PDF
from tests.queries import recorded_statements



def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (80, 60), "teal").save(out, "JPEG")
    return out.getvalue()


def compose(client, target: str, children=(), files=None, title="Sortie à la ferme"):
    data = {"title": title, "body": "Les photos de la sortie.", "targets": [target],
            "children": [c.public_id for c in children]}
    data["files"] = files if files is not None else [(io.BytesIO(jpeg()), "ferme.jpg")]
    return client.post("/news/new", data=data, content_type="multipart/form-data")


@pytest.fixture
def classmate(world):
    """A second family in class A, who reads class A's posts."""
    parent = factories.make_user(world.city, Role.GUARDIAN, "Chloé", "Martin")
    child = factories.make_child(world.city, world.class_a, "Noé", "Martin", guardians=(parent,))
    db.session.commit()
    return parent, child


def class_a(world) -> str:
    return f"group:{world.class_a.public_id}"


def both_grant(grant, world, audience="class"):
    grant(world.parent_a, world.child_a, audience=audience)
    grant(world.parent_a2, world.child_a, audience=audience)


def posts() -> int:
    return db.session.scalar(select(func.count()).select_from(Post))


# --- composing ------------------------------------------------------------------------------

def test_the_tag_list_offers_the_authors_children_unticked(world, classmate, login_as, english):
    page = login_as(world.teacher_a).get("/news/new").get_data(as_text=True)
    assert "Children who appear in the photos" in page
    assert f'value="{world.child_a.public_id}"' in page and f'value="{classmate[1].public_id}"' in page
    assert world.child_b.public_id not in page and world.other_child.public_id not in page
    boxes = re.findall(r'<input[^>]*name="children"[^>]*>', page)
    assert len(boxes) == 2 and not any("checked" in box for box in boxes)


def test_publishing_is_refused_while_a_tagged_child_lacks_consent(world, login_as, english, grant, files_folder):
    client = login_as(world.teacher_a)
    grant(world.parent_a, world.child_a)  # one guardian of two: not enough by default
    response = compose(client, class_a(world), [world.child_a])
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and posts() == 0
    assert "Not published: the guardians of Awa Diallo have not agreed to show their photos to their class." in page
    assert 'value="Sortie à la ferme"' in page and "Les photos de la sortie.</textarea>" in page  # typed text kept
    # The photo is on no post: it is kept as its author's draft, shown again (ent_lite.files.drafts).
    assert db.session.scalars(select(Attachment.post_id)).all() == [None]
    assert 'name="draft_file"' in page


def test_publishing_is_allowed_once_both_guardians_agree(world, login_as, english, grant):
    both_grant(grant, world)
    client = login_as(world.teacher_a)
    response = compose(client, class_a(world), [world.child_a])
    assert response.status_code == 302
    post = db.session.scalar(select(Post))
    assert db.session.scalars(select(PostPhotoChild.child_id).where(PostPhotoChild.post_id == post.id)).all() == [
        world.child_a.id]


def test_a_school_audience_needs_the_school_consent(world, login_as, english, grant):
    both_grant(grant, world, "class")
    client = login_as(world.director)
    school = f"establishment:{world.school.public_id}"
    page = compose(client, school, [world.child_a]).get_data(as_text=True)
    assert "the guardians of Awa Diallo have not agreed to show their photos to the whole school" in page
    assert posts() == 0
    both_grant(grant, world, "school")
    assert compose(client, school, [world.child_a]).status_code == 302


def test_a_tagged_child_must_be_in_the_audience(world, login_as, english, grant):
    both_grant(grant, world)
    page = compose(login_as(world.director), f"group:{world.class_b.public_id}", [world.child_a]).get_data(as_text=True)
    assert "Not in the audience chosen: Awa Diallo." in page and posts() == 0


def test_an_unknown_child_is_refused(world, login_as, english):
    page = compose(login_as(world.teacher_a), class_a(world), [world.other_child]).get_data(as_text=True)
    assert "Choose among the children listed." in page and posts() == 0


# --- after a withdrawal ---------------------------------------------------------------------

@pytest.fixture
def farm_post(world, classmate, login_as, grant):
    """Claire's class A post with a photo tagging Awa and a PDF, published with consent."""
    both_grant(grant, world)
    files = [(io.BytesIO(jpeg()), "ferme.jpg"), (io.BytesIO(PDF), "programme.pdf")]
    assert compose(login_as(world.teacher_a), class_a(world), [world.child_a], files=files).status_code == 302
    post = db.session.scalar(select(Post))
    photo = db.session.scalar(select(Attachment).where(Attachment.kind == "image"))
    pdf = db.session.scalar(select(Attachment).where(Attachment.kind == "pdf"))
    return post, photo, pdf


def file_status(client, attachment, thumb=False) -> int:
    return client.get(f"/files/{attachment.public_id}" + ("/thumb" if thumb else "")).status_code


def test_after_a_withdrawal_families_get_404_and_the_author_still_sees_the_photo(world, classmate, farm_post,
                                                                               login_as, grant, english):
    post, photo, pdf = farm_post
    family = login_as(classmate[0])
    assert file_status(family, photo) == 200 and file_status(family, photo, thumb=True) == 200

    grant(world.parent_a2, world.child_a, granted=False)
    family = login_as(classmate[0])
    assert file_status(family, photo) == 404 and file_status(family, photo, thumb=True) == 404
    assert file_status(family, pdf) == 200  # only the photos are withheld
    for page in (family.get("/news").get_data(as_text=True), family.get(f"/news/{post.public_id}").get_data(as_text=True)):
        assert photo.public_id not in page and "Photos are not shown." in page
        assert pdf.public_id in page
    assert file_status(login_as(world.parent_a), photo) == 404  # Awa's own family too

    author = login_as(world.teacher_a)
    assert file_status(author, photo) == 200
    page = author.get(f"/news/{post.public_id}").get_data(as_text=True)
    assert photo.public_id in page and "Only you still see the photos of this post" in page


@pytest.fixture
def co_teacher(world):
    """A second teacher of class A, who reads its posts but did not write the farm post."""
    teacher = factories.make_user(world.city, Role.TEACHER, "Inès", "Garnier")
    factories.add_membership(teacher, world.school, world.class_a)
    db.session.commit()
    return teacher


@pytest.mark.parametrize("role, sees_photo", [
    ("author", True), ("director", False), ("co_teacher", False), ("guardian", False),
])
def test_after_a_withdrawal_only_the_author_keeps_the_photo(world, classmate, co_teacher, farm_post, login_as,
                                                            grant, english, role, sees_photo):
    post, photo, pdf = farm_post
    user = {"author": world.teacher_a, "director": world.director, "co_teacher": co_teacher,
            "guardian": classmate[0]}[role]
    reader = login_as(user)
    assert file_status(reader, photo) == 200  # everyone sees it while the consent holds

    grant(world.parent_a2, world.child_a, granted=False)
    reader = login_as(user)
    expected = 200 if sees_photo else 404
    assert file_status(reader, photo) == expected and file_status(reader, photo, thumb=True) == expected
    assert file_status(reader, pdf) == 200
    detail = reader.get(f"/news/{post.public_id}").get_data(as_text=True)
    feed = reader.get("/news").get_data(as_text=True)
    for page in (detail, feed):
        assert (photo.public_id in page) is sees_photo
        assert ("Photos are not shown." in page) is not sees_photo
    assert ("Only you still see the photos of this post" in detail) is sees_photo


def test_photos_come_back_when_consent_is_given_again(world, classmate, farm_post, login_as, grant):
    _, photo, _ = farm_post
    grant(world.parent_a, world.child_a, granted=False)
    assert file_status(login_as(classmate[0]), photo) == 404
    grant(world.parent_a, world.child_a)
    assert file_status(login_as(classmate[0]), photo) == 200


def test_the_serving_check_runs_a_constant_number_of_queries(world, classmate, farm_post, grant):
    post, photo, _ = farm_post
    parent = classmate[0]

    def statements() -> int:
        db.session.expire_all()
        with recorded_statements() as seen:
            readable = rules.can_read_attachment(db.session.get(type(parent), parent.id),
                                                 db.session.get(Attachment, photo.id))
        assert readable
        return len(seen)

    one_child = statements()
    more = [factories.make_child(world.city, world.class_a, f"Enfant{n}", guardians=(parent,)) for n in range(10)]
    for child in more:
        grant(parent, child)
    photo_tags.set_tags(db.session.get(Post, post.id), [world.child_a, *more])
    db.session.commit()
    assert statements() == one_child


# --- the audience each post needs ------------------------------------------------------------

def test_required_audience_follows_the_breadth_of_the_post():
    groups = {10: 1, 11: 1, 20: 2}
    assert photo_tags.required_audience([("group", "10")], {10}, groups) == "class"
    # Two classes of one school: the other class's families see the child too.
    assert photo_tags.required_audience([("group", "10"), ("group", "11")], {10}, groups) == "school"
    assert photo_tags.required_audience([("establishment", "1")], {10}, groups) == "school"
    assert photo_tags.required_audience([("group", "10"), ("establishment", "1")], {10}, groups) == "school"
    assert photo_tags.required_audience([("group", "10"), ("group", "20")], {10}, groups) == "city"
    for wide in (("district", "Nord"), ("level", "CP"), ("all", "*")):
        assert photo_tags.required_audience([wide], {10}, groups) == "city"


def test_blocking_children_use_the_register_setting(world, grant, guardians_required):
    key = keys.group_key(world.class_a.id)
    grant(world.parent_a, world.child_a)
    assert photo_tags.blocking_children([key], [world.child_a], utcnow()) == [(world.child_a, "class")]
    guardians_required(consents.PHOTO_PUBLICATION, "one")
    assert photo_tags.blocking_children([key], [world.child_a], utcnow()) == []


def test_publishing_serving_and_may_share_one_consent_check(world, classmate, farm_post, login_as, grant, english,
                                                            monkeypatch):
    """The composer's refusal, the file route's 404 and ``consents.may`` ask the same function,
    so a rule changed there (or a bug fixed there) changes all three."""
    post, photo, _ = farm_post
    asked = []
    shared = consents.lacking

    def spy(pairs, purpose_key, now=None):
        pairs = list(pairs)
        asked.append([(child.id, audience) for child, audience in pairs])
        return shared(pairs, purpose_key, now)

    monkeypatch.setattr(consents, "lacking", spy)
    grant(world.parent_a2, world.child_a, granted=False)

    assert not consents.may(world.child_a, consents.PHOTO_PUBLICATION, "class")
    assert file_status(login_as(classmate[0]), photo) == 404
    page = compose(login_as(world.teacher_a), class_a(world), [world.child_a]).get_data(as_text=True)
    assert "the guardians of Awa Diallo have not agreed" in page
    assert asked[:3] == [[(world.child_a.id, "class")]] * 3
    # The tagging list, which says whose photo may be shown, asks the same function.
    assert (world.child_a.id, "class") in asked[3] and len(asked) == 4


# --- editing ------------------------------------------------------------------------------------

def edit(client, post, children, title="Sortie à la ferme (corrigé)"):
    return client.post(f"/news/{post.public_id}/edit", data={
        "title": title, "body": "Les photos de la sortie.", "replies_allowed": "y",
        "children": [c.public_id for c in children]}, content_type="multipart/form-data")


def test_editing_keeps_tags_and_checks_only_new_ones(world, classmate, farm_post, login_as, grant, english):
    post, _, _ = farm_post
    grant(world.parent_a, world.child_a, granted=False)
    client = login_as(world.teacher_a)
    page = client.get(f"/news/{post.public_id}/edit").get_data(as_text=True)
    assert re.search(rf'<input[^>]*checked[^>]*value="{world.child_a.public_id}"|'
                     rf'<input[^>]*value="{world.child_a.public_id}"[^>]*checked', page)
    # A withdrawal already hides the photos: correcting the text stays possible.
    assert edit(client, post, [world.child_a]).status_code == 302
    # A newly tagged child without consent is refused, by name.
    page = edit(client, post, [world.child_a, classmate[1]]).get_data(as_text=True)
    assert "the guardians of Noé Martin have not agreed" in page
    tagged = db.session.scalars(select(PostPhotoChild.child_id).where(PostPhotoChild.post_id == post.id)).all()
    assert tagged == [world.child_a.id]


def test_widening_a_scheduled_posts_audience_checks_its_tagged_children_again(world, login_as, english, grant):
    both_grant(grant, world, "class")  # class consent only
    client = login_as(world.director)
    next_week = (utcnow() + timedelta(days=7)).date().isoformat()
    data = {"title": "Sortie à la ferme", "body": "Les photos de la sortie.", "targets": [class_a(world)],
            "children": [world.child_a.public_id], "publish_date": next_week, "publish_time": "08:00",
            "files": [(io.BytesIO(jpeg()), "ferme.jpg")]}
    assert client.post("/news/new", data=data, content_type="multipart/form-data").status_code == 302
    post = db.session.scalar(select(Post))
    widened = {**data, "targets": [f"establishment:{world.school.public_id}"]}
    del widened["files"]
    page = client.post(f"/news/{post.public_id}/edit", data=widened,
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "the guardians of Awa Diallo have not agreed to show their photos to the whole school" in page
    db.session.refresh(post)
    assert [(a.kind, a.value) for a in post.audience] == [keys.group_key(world.class_a.id)]
