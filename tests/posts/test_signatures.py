"""Signing a post (the cahier de liaison): per child, every guardian, legal authority, 404s."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from ent_lite.audience import keys
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.posts.models import PostSignature
from ent_lite.school.models import GuardianLink
from tests import factories


def signatures() -> list[tuple[int, int]]:
    """(child_id, user_id) of every signature stored."""
    return [tuple(row) for row in db.session.execute(
        select(PostSignature.child_id, PostSignature.user_id).order_by(PostSignature.id))]


def sign(client, post, *children, **kwargs):
    return client.post(f"/news/{post.public_id}/sign", data={"child": [c.public_id for c in children]}, **kwargs)


def page_of(client, post) -> str:
    return client.get(f"/news/{post.public_id}").get_data(as_text=True)


def test_a_guardian_signs_for_their_child_and_the_other_guardian_sees_it(world, ack_post, login_as, english):
    post = ack_post()
    client = login_as(world.parent_a)
    page = page_of(client, post)
    assert "Signature requested (before" in page and "Sign for Awa" in page
    response = sign(client, post, world.child_a, follow_redirects=True)
    assert "Thank you: your signature is recorded." in response.get_data(as_text=True)
    assert signatures() == [(world.child_a.id, world.parent_a.id)]
    assert "you signed on" in page_of(client, post) and "Sign for Awa" not in page_of(client, post)
    # One signature per child is enough: the other parent has nothing left to sign.
    other = login_as(world.parent_a2)
    page = page_of(other, post)
    assert "another guardian signed on" in page and "Sign for Awa" not in page
    assert ">Signed</span>" in other.get("/news").get_data(as_text=True)
    sign(other, post, world.child_a)
    assert len(signatures()) == 1


def test_a_double_submit_stores_one_signature(world, ack_post, login_as, english):
    post = ack_post(every_guardian=True)
    client = login_as(world.parent_a)
    sign(client, post, world.child_a)
    again = sign(client, post, world.child_a, follow_redirects=True)
    assert "This was already signed." in again.get_data(as_text=True)
    assert signatures() == [(world.child_a.id, world.parent_a.id)]


def test_every_guardian_must_sign_when_the_post_asks(world, ack_post, login_as, english):
    post = ack_post(every_guardian=True)
    sign(login_as(world.parent_a), post, world.child_a)
    other = login_as(world.parent_a2)
    assert "Signature requested" in other.get("/news").get_data(as_text=True)
    page = page_of(other, post)
    assert "Each guardian with legal authority signs." in page and "Sign for Awa" in page
    sign(other, post, world.child_a)
    assert sorted(signatures()) == sorted([(world.child_a.id, world.parent_a.id), (world.child_a.id, world.parent_a2.id)])
    assert ">Signed</span>" in other.get("/news").get_data(as_text=True)


def test_a_guardian_without_legal_authority_reads_but_cannot_sign(world, ack_post, login_as, english):
    link = db.session.scalar(select(GuardianLink).where(GuardianLink.user_id == world.parent_a2.id))
    link.legal_authority = False
    db.session.commit()
    post = ack_post()
    client = login_as(world.parent_a2)
    page = page_of(client, post)
    assert "Only a guardian with legal authority can sign for Awa" in page
    assert 'name="child"' not in page
    assert sign(client, post, world.child_a).status_code == 404
    assert signatures() == []


def test_one_button_signs_for_several_children(world, make_post, login_as, english, db):
    issa = factories.make_child(world.city, world.class_b, "Issa", "Diallo", guardians=[world.parent_a])
    db.session.commit()
    post = make_post(world.director, [keys.establishment_key(world.school.id)])
    post.requires_ack = True
    db.session.commit()
    client = login_as(world.parent_a)
    assert "Sign for Awa and Issa" in page_of(client, post)
    sign(client, post, world.child_a, issa)
    assert sorted(signatures()) == sorted([(world.child_a.id, world.parent_a.id), (issa.id, world.parent_a.id)])
    assert ">Signed</span>" in client.get("/news").get_data(as_text=True)


def test_signing_after_the_due_date_is_accepted_and_marked_late(world, ack_post, login_as, english):
    post = ack_post(now=utcnow() - timedelta(days=5), due_in_days=2)
    client = login_as(world.parent_a)
    assert "The due date has passed. You can still sign" in page_of(client, post)
    response = sign(client, post, world.child_a, follow_redirects=True)
    assert "after the due date" in response.get_data(as_text=True)
    assert len(signatures()) == 1
    tracking = login_as(world.teacher_a).get(f"/news/{post.public_id}/tracking").get_data(as_text=True)
    assert ">late</span>" in tracking


# --- role × object: nothing is written for a child or post that is not the signer's -------------

def test_another_familys_child_is_404_and_nothing_is_written(world, make_post, login_as):
    post = make_post(world.director, [keys.establishment_key(world.school.id)])
    post.requires_ack = True
    db.session.commit()
    client = login_as(world.parent_b)  # reads this school post for Léo
    assert sign(client, post, world.child_a).status_code == 404
    assert sign(client, post, world.child_b, world.child_a).status_code == 404  # all or nothing
    assert signatures() == []
    assert sign(client, post, world.child_b).status_code == 302


def test_a_child_the_post_does_not_concern_is_404(world, ack_post, login_as, db):
    issa = factories.make_child(world.city, world.class_b, "Issa", guardians=[world.parent_a])
    db.session.commit()
    post = ack_post()  # class A: Awa only
    assert sign(login_as(world.parent_a), post, issa).status_code == 404
    assert signatures() == []


def test_a_post_of_another_class_is_404(world, ack_post, login_as):
    post = ack_post()
    assert sign(login_as(world.parent_b), post, world.child_b).status_code == 404
    assert sign(login_as(world.other_parent), post, world.other_child).status_code == 404
    assert signatures() == []


@pytest.mark.parametrize("role", ["teacher_a", "director", "admin"])
def test_staff_cannot_sign(world, ack_post, login_as, role):
    post = ack_post()
    assert sign(login_as(getattr(world, role)), post, world.child_a).status_code == 404
    assert signatures() == []


def test_a_post_asking_no_signature_cannot_be_signed(world, class_post, login_as):
    client = login_as(world.parent_a)
    assert "Sign for" not in page_of(client, class_post)
    assert sign(client, class_post, world.child_a).status_code == 404
    assert signatures() == []


def test_a_scheduled_post_cannot_be_signed_yet(world, ack_post, login_as):
    post = ack_post(now=utcnow() + timedelta(days=1))
    assert sign(login_as(world.parent_a), post, world.child_a).status_code == 404
    assert signatures() == []


def test_signing_without_csrf_token_is_refused(world, ack_post, login_as):
    post = ack_post()
    response = login_as(world.parent_a).post(f"/news/{post.public_id}/sign", csrf=False,
                                             data={"child": world.child_a.public_id})
    assert response.status_code == 400 and signatures() == []


def test_signing_is_not_possible_with_get(world, ack_post, login_as):
    post = ack_post()
    assert login_as(world.parent_a).get(f"/news/{post.public_id}/sign?child={world.child_a.public_id}").status_code == 405
    assert signatures() == []


def test_signature_rows_count_once_per_guardian_and_child(world, ack_post, login_as):
    post = ack_post(every_guardian=True)
    for parent in (world.parent_a, world.parent_a2, world.parent_a):
        sign(login_as(parent), post, world.child_a)
    assert db.session.scalar(select(func.count()).select_from(PostSignature)) == 2
