"""Issue 10: "My data" opens on a short summary whose figures say what they count, with the
export and the request to the DPD on the first screen; each category opens on demand and its
table turns into stacked rows on a phone."""
from __future__ import annotations

import re

from ent_lite.conversations import services as conversations
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.posts.models import PostRead
from tests import factories
from tests.conversations.helpers import make_post


def _main(page: str) -> str:
    return re.search(r"<main.*?</main>", page, re.S).group(0)


def test_the_summary_and_the_actions_come_before_the_sections_that_open(world, login_as, english):
    now = utcnow()
    jules = factories.make_child(world.city, world.class_b, "Jules", "Diallo", guardians=(world.parent_a,))
    for title in ("Piscine", "Cantine"):
        db.session.add(PostRead(post_id=make_post(world.teacher_a, world.class_a, title=title).id,
                                user_id=world.parent_a.id, read_dt=now))
    conversations.start_child_thread(world.parent_a, world.child_a, world.school.id, "Cantine", "Bonjour", now)
    db.session.commit()
    page = _main(login_as(world.parent_a).get("/privacy/my-data").get_data(as_text=True))
    first_section = page.index("<details")
    top = page[:first_section]
    assert "the school records of 2 children: Awa, Jules;" in top
    assert "2 news items and conversations you opened;" in top
    assert "1 message you wrote;" in top and "0 signatures and answers you gave;" in top
    assert 'action="/privacy/my-data/export"' in top and 'href="/privacy/requests/new"' in top
    # Every category table is in a section that opens, and stacks on a phone.
    tables = re.findall(r"<details id=\"([\w-]+)\">\s*<summary>[^<]*</summary>\s*<table class=\"stack\">", page)
    assert tables == ["held", f"child-{world.child_a.public_id}", f"child-{jules.public_id}"]
    assert page.count("<table") == 3 == page.count('<table class="stack">')
    assert page.count('data-label="What is held"') == page.count('data-label="Kept until"') > 10


def test_the_french_page_says_parent_or_guardian_and_dpd(world, login_as, client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fr"
    page = _main(login_as(world.parent_a).get("/privacy/my-data").get_data(as_text=True))
    assert "Ce que nous gardons sur votre famille\u00a0:" in page
    assert "Écrire au délégué à la protection des données (DPD)" in page
    assert "parents ou tuteurs" in page
    assert "\u00a0: 0</li>" in page and ": 0</li>" not in page.replace("\u00a0: 0</li>", "")  # French spacing
    for jargon in ("DPO", "responsable légal", "responsables légaux"):
        assert jargon not in page, jargon
