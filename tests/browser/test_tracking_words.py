"""The author's tracking page and a class's activation codes page on a phone (360×740), in
French and English: families counted as families, every target at least 44×44 CSS px, no
sideways scrolling, zero axe violations."""
from __future__ import annotations

import pytest

from ent_lite.accounts.activation import issue_activation_code
from ent_lite.audience import keys
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.posts import services
from tests import factories
from tests.browser.conftest import in_language, log_in
from tests.browser.phone_layout import assert_phone_layout


@pytest.fixture
def busy_class(world):
    """Class A with siblings, separated parents, a child without any account and long names."""
    sibling = factories.make_child(world.city, world.class_a, "Zoé", "Lefèvre", guardians=[world.parent_b])
    nora = factories.make_user(world.city, "guardian", "Nora", "Petit-Marchand-Delacroix",
                               email="nora.petit-marchand-delacroix.longue-adresse@example.org")
    hugo = factories.make_user(world.city, "guardian", "Hugo", "Marchand", activated=False)
    issue_activation_code(hugo, utcnow(), 30)  # "Code issued on …, valid until …"
    factories.make_child(world.city, world.class_a, "Lina-Maëlle", "Marchand-Delacroix", guardians=[nora, hugo])
    factories.make_child(world.city, world.class_a, "Tom", "Sanscompte",
                         guardians=[factories.make_user(world.city, "guardian", "Paul", "Sanscompte", activated=False)])
    post = services.create_post(world.director, "Sortie à la ferme", "Merci de signer.",
                                [keys.establishment_key(world.school.id)], utcnow(),
                                services.PostOptions(requires_ack=True))
    db.session.commit()
    services.record_read(world.parent_b, post, utcnow())
    db.session.commit()
    return post, sibling


def test_the_tracking_page_on_a_phone_counts_families(phone, world, busy_class, check_accessibility):
    post, _sibling = busy_class
    log_in(phone, world.director)
    path = f"/news/{post.public_id}/tracking"
    expected = {
        # Awa's two parents, Léo and Zoé's mother, Lina's separated parents, Tom's father.
        "fr": "Lu par 1 des 4 familles (2 des 5 enfants)",
        "en": "Read by 1 of 4 families (2 of 5 children)",
    }
    for language in ("fr", "en"):
        in_language(phone, path, language)
        assert expected[language] in phone.locator("main ul.counts").inner_text()
        check_accessibility(phone)
        assert_phone_layout(phone, f"tracking page ({language})")


def test_the_class_codes_page_fits_a_phone(phone, world, busy_class, check_accessibility):
    log_in(phone, world.director)
    path = f"/school/classes/{world.class_a.public_id}/codes"
    for language in ("fr", "en"):
        in_language(phone, path, language)
        assert phone.locator("main").get_by_text("Hugo Marchand").count() == 1
        check_accessibility(phone)
        assert_phone_layout(phone, f"class codes page ({language})")
