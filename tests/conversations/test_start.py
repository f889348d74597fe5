"""Starting a conversation: who may write to whom, and forged forms refused with nothing written."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from ent_lite.conversations.models import Message, Thread, ThreadMember
from ent_lite.extensions import db
from tests import factories
from tests.conversations.helpers import add_city_service, make_post


def thread_count() -> int:
    return db.session.scalar(select(func.count(Thread.id)))


def token(child, establishment, person=None) -> str:
    return f"{child.public_id}.{establishment.public_id}.{person.public_id if person else 'team'}"


def new_thread(client, **fields):
    url = fields.pop("url", "/messages/new")
    return client.post(url, data={"subject": "Cantine", "body": "Bonjour, une question.", **fields})


def test_guardian_is_offered_the_staff_of_the_childs_groups_only(world, login_as, english):
    login_as(world.parent_a)
    page = english.get("/messages/new").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page
    assert "Claire Durand" in page and "Hélène Petit" in page and "The whole team of CP A" in page
    assert "Paul Bernard" not in page and "Nadia Roux" not in page and "Moussa" not in page


def test_guardian_starts_a_thread_both_guardians_and_the_teacher_read(world, login_as, english):
    login_as(world.parent_a)
    response = new_thread(english, recipient=token(world.child_a, world.school, world.teacher_a))
    assert response.status_code == 302
    thread = db.session.scalar(select(Thread))
    assert thread.child_id == world.child_a.id and thread.establishment_id == world.school.id
    assert db.session.scalar(select(ThreadMember.user_id)) == world.teacher_a.id
    for reader in (world.parent_a2, world.teacher_a, world.director):
        login_as(reader)
        assert "Bonjour, une question." in english.get(f"/messages/{thread.public_id}").get_data(as_text=True)


@pytest.mark.parametrize("forged", [
    lambda w: token(w.child_a, w.school, w.teacher_b),        # a teacher of another class
    lambda w: token(w.child_a, w.school, w.parent_a2),        # another guardian
    lambda w: token(w.child_b, w.school, w.teacher_b),        # another family's child
    lambda w: token(w.child_a, w.other_school, w.other_teacher),  # another school
    lambda w: token(w.child_a, w.other_school),
    lambda w: "",
])
def test_guardian_cannot_write_outside_their_childrens_staff(world, login_as, english, forged):
    login_as(world.parent_a)
    response = new_thread(english, recipient=forged(world))
    assert response.status_code == 200
    assert "Choose" in response.get_data(as_text=True)
    assert thread_count() == 0 and db.session.scalar(select(func.count(Message.id))) == 0


def test_staff_start_a_thread_about_a_pupil_they_see(world, login_as, english):
    login_as(world.teacher_a)
    page = english.get("/messages/new").get_data(as_text=True)
    assert "Awa Diallo" in page and "Léo" not in page
    response = new_thread(english, child=f"{world.child_a.public_id}.{world.school.public_id}")
    assert response.status_code == 302
    assert db.session.scalar(select(Thread.child_id)) == world.child_a.id


@pytest.mark.parametrize("forged", [
    lambda w: f"{w.child_b.public_id}.{w.school.public_id}",
    lambda w: f"{w.other_child.public_id}.{w.other_school.public_id}",
    lambda w: f"{w.child_a.public_id}.{w.other_school.public_id}",
])
def test_staff_cannot_write_about_a_child_of_another_class(world, login_as, english, forged):
    login_as(world.teacher_a)
    response = new_thread(english, child=forged(world))
    assert response.status_code == 200 and "Choose among the pupils listed." in response.get_data(as_text=True)
    assert thread_count() == 0


def test_staff_threads_stay_inside_the_establishment(world, login_as, english):
    login_as(world.teacher_a)
    page = english.get("/messages/new?with=colleagues").get_data(as_text=True)
    assert "Paul Bernard" in page and "Nadia Roux" not in page
    forged = new_thread(english, url="/messages/new?with=colleagues",
                        members=[f"{world.other_school.public_id}.{world.other_teacher.public_id}"])
    assert forged.status_code == 200 and thread_count() == 0
    also_forged = new_thread(english, url="/messages/new?with=colleagues",
                             members=[f"{world.school.public_id}.{world.other_teacher.public_id}"])
    assert also_forged.status_code == 200 and thread_count() == 0
    response = new_thread(english, url="/messages/new?with=colleagues",
                          members=[f"{world.school.public_id}.{world.teacher_b.public_id}"])
    assert response.status_code == 302
    thread = db.session.scalar(select(Thread))
    assert thread.child_id is None and thread.establishment_id == world.school.id
    assert set(db.session.scalars(select(ThreadMember.user_id))) == {world.teacher_a.id, world.teacher_b.id}


def test_a_city_agent_writes_to_colleagues_of_their_service(world, login_as, english):
    service = add_city_service(world)
    colleague = factories.make_user(world.city, "city_agent", "Lina", "Garnier")
    factories.add_membership(colleague, service)
    db.session.commit()
    login_as(world.city_agent)
    page = english.get("/messages/new").get_data(as_text=True)
    assert "Lina Garnier" in page and "Awa" not in page


@pytest.mark.parametrize("name", ["admin", "dpo"])
def test_admin_and_dpo_have_no_messages(world, login_as, client, name):
    login_as(getattr(world, name))
    assert client.get("/messages").status_code == 404
    assert client.get("/messages/new").status_code == 404


# --- from a post ---------------------------------------------------------------------------

def test_guardian_replies_to_a_post_with_its_author(world, login_as, english):
    post = make_post(world.teacher_a, world.class_a)
    login_as(world.parent_a)
    page = english.get(f"/messages/new?post={post.public_id}").get_data(as_text=True)
    assert "Claire Durand" in page and "Hélène Petit" not in page and "Sortie au musée" in page
    response = new_thread(english, url=f"/messages/new?post={post.public_id}",
                          recipient=token(world.child_a, world.school, world.teacher_a))
    assert response.status_code == 302
    thread = db.session.scalar(select(Thread))
    assert thread.post_id == post.id and thread.child_id == world.child_a.id
    assert db.session.scalar(select(ThreadMember.user_id)) == world.teacher_a.id


def test_a_guardian_of_several_children_chooses_which(world, login_as, english):
    sibling = factories.make_child(world.city, world.class_a, "Bintou", "Diallo", guardians=(world.parent_a,))
    db.session.commit()
    post = make_post(world.teacher_a, world.class_a)
    login_as(world.parent_a)
    page = english.get(f"/messages/new?post={post.public_id}").get_data(as_text=True)
    assert "About Awa" in page and "About Bintou" in page
    new_thread(english, url=f"/messages/new?post={post.public_id}",
               recipient=token(sibling, world.school, world.teacher_a))
    assert db.session.scalar(select(Thread.child_id)) == sibling.id


def test_replies_refused_on_a_post_that_disallows_them(world, login_as, client):
    post = make_post(world.teacher_a, world.class_a, replies_allowed=False)
    login_as(world.parent_a)
    assert client.get(f"/messages/new?post={post.public_id}").status_code == 404
    response = new_thread(client, url=f"/messages/new?post={post.public_id}",
                          recipient=token(world.child_a, world.school, world.teacher_a))
    assert response.status_code == 404 and thread_count() == 0


@pytest.mark.parametrize("name", ["parent_b", "other_parent", "teacher_a", "admin"])
def test_replying_to_a_post_is_for_its_guardian_readers(world, login_as, client, name):
    post = make_post(world.teacher_a, world.class_a)
    login_as(getattr(world, name))
    assert client.get(f"/messages/new?post={post.public_id}").status_code == 404


def test_no_reply_to_an_author_outside_the_childs_groups(world, login_as, client):
    """A school post whose author is not staff of the child: a guardian cannot write to them."""
    post = make_post(world.other_teacher, world.class_a, establishment=world.other_school)
    login_as(world.parent_a)
    assert client.get(f"/messages/new?post={post.public_id}").status_code == 404
    assert client.get("/messages/new?post=unknown").status_code == 404


def test_a_refused_upload_writes_no_thread_and_keeps_the_text(world, login_as, english):
    login_as(world.parent_a)
    response = english.post("/messages/new", content_type="multipart/form-data", data={
        "subject": "Certificat", "body": "Voici le certificat.",
        "recipient": token(world.child_a, world.school), "files": [(io.BytesIO(b"MZ\x90\x00"), "virus.pdf")]})
    assert response.status_code == 415
    page = response.get_data(as_text=True)
    assert "Voici le certificat." in page and 'id="files-error"' in page
    assert thread_count() == 0


def test_the_thread_names_its_post_only_to_those_who_may_still_read_it(world, login_as, english):
    post = make_post(world.teacher_a, world.class_a)
    login_as(world.parent_a)
    new_thread(english, url=f"/messages/new?post={post.public_id}",
               recipient=token(world.child_a, world.school, world.teacher_a))
    thread = db.session.scalar(select(Thread))
    assert "Sortie au musée" in english.get(f"/messages/{thread.public_id}").get_data(as_text=True)
    post.expires_dt = post.created_dt  # expired: hidden from families
    db.session.commit()
    page = english.get(f"/messages/{thread.public_id}").get_data(as_text=True)
    assert "Sortie au musée" not in page and "Started from the post" not in page


@pytest.mark.parametrize("role, chooses", [("teacher_a", True), ("director", True), ("animator", True),
                                           ("city_agent", False), ("parent_a", False)])
def test_only_staff_of_pupils_choose_between_a_family_and_colleagues(world, login_as, english, role, chooses):
    """A city agent writes to colleagues here (to a family only from an activity's follow-up),
    a guardian to the staff of their child: neither is offered the choice."""
    login_as(getattr(world, role))
    for url in ("/messages/new", "/messages/new?with=colleagues"):
        page = english.get(url).get_data(as_text=True)
        assert ("Kind of conversation" in page) is chooses
        assert ("With a family" in page and "With colleagues" in page) is chooses
