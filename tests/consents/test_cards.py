"""Issue 10 item 6: one card per child, each consent a sentence of what it allows, one button whose
label says the result, nothing shown that cannot concern the child; the button changes what
ent_lite enforces for that child only, and never for another family's child."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import delete, func, select

from ent_lite.audience import keys
from ent_lite.consents import services
from ent_lite.consents.models import ConsentRecord
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.posts import photo_tags
from ent_lite.school.models import Enrolment
from tests import factories

PHOTOS = services.PHOTO_PUBLICATION


@pytest.fixture
def sibling(world):
    """Léo's little sister, in class A, with the same single parent (parent_b)."""
    child = factories.make_child(world.city, world.class_a, "Lina", "Lefèvre", guardians=(world.parent_b,))
    db.session.commit()
    return child


def _card(page: str, child) -> str:
    return re.search(rf'<section class="card consent-card" id="child-{child.public_id}".*?</section>', page, re.S).group(0)


def _form_of(page: str, child, audience: str) -> dict:
    """The hidden fields of a consent's form (the test client adds its own CSRF token)."""
    item = re.search(rf'<li id="consent-{child.public_id}-{PHOTOS}-{audience}">.*?</li>', page, re.S).group(0)
    data = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', item))
    assert data.pop("csrf_token")
    return data


def _toggle(client, page: str, child, audience: str):
    """Press the one button of a consent, with exactly what the page's form sends (no script)."""
    item = re.search(rf'<li id="consent-{child.public_id}-{PHOTOS}-{audience}">.*?</li>', page, re.S).group(0)
    data = _form_of(page, child, audience)
    name, value = re.search(r'<button type="submit" name="(\w+)" value="(\w+)"', item).groups()
    data[name] = value
    response = client.post("/consents", data=data)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"#consent-{child.public_id}-{PHOTOS}-{audience}")
    return client.get("/consents").get_data(as_text=True)


def _post_to(group) -> list:
    return [keys.group_key(group.id)]


def test_one_card_per_child_with_a_sentence_per_consent(world, login_as, english, sibling):
    page = login_as(world.parent_b).get("/consents").get_data(as_text=True)
    leo, lina = _card(page, world.child_b), _card(page, sibling)
    assert "Class photos where Léo appears can be shown to the families of the same class or group." in leo
    assert "Photos where Lina appears can be shown to all the families of the school (École Jules Ferry)." in lina
    for card in (leo, lina):
        assert card.count('value="grant"') == 3 and card.count(">Allow</button>") == 3
        assert card.count("Not allowed.") == 3 and "You have not agreed." in card
    # Léo's only parent decides alone: no word of another parent.
    assert "other parent" not in leo and "Both parents" in leo
    # The city's information is about the parent, in a card of its own, not under each child.
    assert "The city may send you" not in leo and "The city may send you" in page
    assert "Not in effect" not in page and "does not apply" not in page


def test_the_french_page_says_the_result_in_plain_words(world, login_as, client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fr"
    page = login_as(world.parent_a).get("/consents").get_data(as_text=True)
    assert "Les photos de classe où Awa apparaît peuvent être montrées aux familles de sa classe" in page
    assert ">Autoriser</button>" in page and "Non autorisé." in page
    assert "parents ou tuteurs" in page and "(DPD)" in page
    for jargon in ("responsable légal", "responsables ayant", "DPO", "ne s’applique pas", "ne s'applique pas"):
        assert jargon not in page, jargon


def test_a_consent_that_cannot_concern_the_child_is_not_shown(world, login_as, english, sibling):
    # Lina is in no group this school year (enrolled nowhere yet): no class, no school to show photos to.
    db.session.execute(delete(Enrolment).where(Enrolment.child_id == sibling.id))
    db.session.commit()
    page = login_as(world.parent_b).get("/consents").get_data(as_text=True)
    lina = _card(page, sibling)
    assert "Photos where Lina appears can be shown to all the families of the city" in lina
    assert "families of the same class" not in lina and "families of the school" not in lina
    assert lina.count("<button") == 1
    assert _card(page, world.child_b).count("<button") == 3



def test_a_consent_given_stays_shown_to_withdraw_while_the_child_is_in_no_group(world, login_as, english):
    """September, before the new classes are imported: a parent can still withdraw."""
    client = login_as(world.parent_b)
    page = _toggle(client, client.get("/consents").get_data(as_text=True), world.child_b, "class")  # "Allow"
    db.session.execute(delete(Enrolment).where(Enrolment.child_id == world.child_b.id))
    db.session.commit()
    page = client.get("/consents").get_data(as_text=True)
    item = re.search(rf'<li id="consent-{world.child_b.public_id}-{PHOTOS}-class">.*?</li>', page, re.S).group(0)
    assert ">Stop allowing</button>" in item
    _toggle(client, page, world.child_b, "class")
    assert not services.may(world.child_b, PHOTOS, "class")

def test_the_toggle_changes_what_is_enforced_for_that_child_only(world, login_as, english, sibling):
    client = login_as(world.parent_b)
    page = client.get("/consents").get_data(as_text=True)
    assert photo_tags.blocking_children(_post_to(world.class_b), [world.child_b]) == [(world.child_b, "class")]

    page = _toggle(client, page, world.child_b, "class")  # "Allow"
    item = re.search(rf'<li id="consent-{world.child_b.public_id}-{PHOTOS}-class">.*?</li>', page, re.S).group(0)
    assert "Allowed." in item and ">Stop allowing</button>" in item and 'value="withdraw"' in item
    # Léo's photos may now be published to his class; his sister's, and the wider audiences, not.
    assert photo_tags.blocking_children(_post_to(world.class_b), [world.child_b]) == []
    assert photo_tags.blocking_children(_post_to(world.class_a), [sibling]) == [(sibling, "class")]
    assert not services.may(world.child_b, PHOTOS, "school") and not services.may(world.child_b, PHOTOS, "city")
    assert _card(page, sibling).count("Not allowed.") == 3

    page = _toggle(client, page, world.child_b, "class")  # "Stop allowing"
    assert not services.may(world.child_b, PHOTOS, "class")
    assert photo_tags.blocking_children(_post_to(world.class_b), [world.child_b]) == [(world.child_b, "class")]
    item = re.search(rf'<li id="consent-{world.child_b.public_id}-{PHOTOS}-class">.*?</li>', page, re.S).group(0)
    assert "Not allowed." in item and ">Allow</button>" in item
    actions = db.session.scalars(select(ConsentRecord.granted).order_by(ConsentRecord.id)).all()
    assert actions == [True, False]


@pytest.mark.parametrize("whose", ["child_b", "far_child"])
def test_a_forged_child_id_of_another_family_is_refused(world, login_as, whose):
    target = world.child_b if whose == "child_b" else world.far.child
    client = login_as(world.parent_a)
    page = client.get("/consents").get_data(as_text=True)
    assert target.public_id not in page
    # The form of Awa's own consent, with another family's child put in its place.
    data = _form_of(page, world.child_a, "class")
    data.update(child=target.public_id, decision="grant")
    assert client.post("/consents", data=data).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(ConsentRecord)) == 0
    assert not services.may(target, PHOTOS, "class", utcnow())
