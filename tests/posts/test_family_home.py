"""The family home: "To do" first (what to sign or answer, by when, for which child), then the
news with an excerpt and a relative date, and a filter per child that only knows the reader's
own children."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from ent_lite.audience import keys
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.forms import services as form_services
from ent_lite.notifications import counts, todo
from ent_lite.posts import home, services, signatures
from tests import factories
from tests.forms.conftest import builder_data
from tests.queries import recorded_statements


@pytest.fixture
def family(world):
    """Fatou (parent_a) has Awa in class A and Zoé in class B, with a signature, an
    authorisation and a poll waiting, and news for each child."""
    zoe = factories.make_child(world.city, world.class_b, "Zoé", "Diallo", guardians=(world.parent_a,))
    now = utcnow()
    sign = services.create_post(world.teacher_a, "Sortie à la ferme", "Merci de signer.",
                                [keys.group_key(world.class_a.id)], now - timedelta(hours=3),
                                services.PostOptions(requires_ack=True, ack_due_dt=now + timedelta(days=3)))
    outing = services.create_post(world.director, "Piscine", "Autorisation pour la piscine.",
                                  [keys.establishment_key(world.school.id)], now - timedelta(hours=2))
    form_services.attach_form(outing, builder_data("authorisation", days=5), now)
    poll = services.create_post(world.teacher_b, "Kermesse", "Qui peut aider ?",
                                [keys.group_key(world.class_b.id)], now - timedelta(hours=1))
    form_services.attach_form(poll, builder_data("poll", [{"text": "Venez-vous ?", "kind": "yes_no"}], days=9), now)
    services.create_post(world.teacher_b, "Cahier de Zoé", "Nouvelles de la classe B.",
                         [keys.group_key(world.class_b.id)], now)
    db.session.commit()
    return zoe, sign, outing, poll


def section(page: str, start: str, end: str) -> str:
    return page[page.index(start):page.index(end, page.index(start))]


def to_do_lines(page: str) -> list[str]:
    block = section(page, 'id="todo-title"', "</section>")
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", li)).strip() for li in re.findall(r"<li>(.*?)</li>", block, re.S)]


def menu_to_do(page: str) -> int:
    found = re.search(r'<span aria-hidden="true">(\d+)</span><span class="visually-hidden">\d+ to do</span>', page)
    return int(found.group(1)) if found else 0


def test_to_do_comes_first_with_deadline_and_child(world, family, login_as, english):
    page = login_as(world.parent_a).get("/news").get_data(as_text=True)
    assert page.index('id="todo-title"') < page.index("<article")
    lines = to_do_lines(page)
    assert len(lines) == 3
    # Soonest deadline first; each says what to do, for which child, and by when.
    assert lines[0].startswith("Sign: Sortie à la ferme For Awa · before")
    assert lines[1].startswith("Answer the authorisation: Piscine For Awa and Zoé · before")
    assert lines[2].startswith("Answer the poll: Kermesse For Zoé · before")
    _, sign, outing, poll = family
    assert f'href="/news/{sign.public_id}#signature"' in page
    assert f'href="/news/{outing.public_id}#answers"' in page and f'href="/news/{poll.public_id}#answers"' in page


def test_the_menu_count_and_the_list_agree_and_done_items_go(world, family, login_as, english):
    zoe, sign, outing, poll = family
    client = login_as(world.parent_a)

    def check(expected: int) -> None:
        page = client.get("/news").get_data(as_text=True)
        now = utcnow()
        assert menu_to_do(page) == len(to_do_lines(page)) == expected
        assert counts.to_do(world.parent_a, now).total == len(todo.items(world.parent_a, now)) == expected

    check(3)
    place = [keys.ChildPlace(world.child_a.id, "Awa", "CP A")]
    signatures.sign(world.parent_a, sign, [world.child_a.public_id], place, utcnow())
    db.session.commit()
    check(2)
    # Another guardian answers for Awa: the authorisation still waits for Zoé alone.
    target = next(t for t in form_services.answer_targets(world.parent_a2, outing, outing_form(outing), utcnow()))
    form_services.save_answers(outing_form(outing), world.parent_a2, target,
                               {q.id: "yes" for q in outing_form(outing).questions}, utcnow())
    db.session.commit()
    page = client.get("/news").get_data(as_text=True)
    assert any(line.startswith("Answer the authorisation: Piscine For Zoé ·") for line in to_do_lines(page))
    client.post(f"/forms/{outing_form(outing).public_id}/answer", data={"child": zoe.public_id,
                                                                       f"c_{zoe.public_id}-q1": "no"})
    check(1)
    client.post(f"/forms/{outing_form(poll).public_id}/answer", data={"child": zoe.public_id,
                                                                     f"c_{zoe.public_id}-q1": "yes"})
    check(0)
    assert "Nothing to sign or answer right now." in client.get("/news").get_data(as_text=True)


def outing_form(post):
    return form_services.form_of_post(post)


def test_the_filter_shows_one_childs_news_and_to_do(world, family, login_as, english):
    zoe, *_ = family
    client = login_as(world.parent_a)
    page = client.get("/news").get_data(as_text=True)
    assert '<a href="/news" aria-current="page">All</a>' in page
    assert f'href="/news?child={world.child_a.public_id}">Awa</a>' in page
    assert f'href="/news?child={zoe.public_id}">Zoé</a>' in page
    page = client.get(f"/news?child={zoe.public_id}").get_data(as_text=True)
    assert f'href="/news?child={zoe.public_id}" aria-current="page">Zoé</a>' in page
    assert [line.split(" For ")[0] for line in to_do_lines(page)] == [
        "Answer the authorisation: Piscine", "Answer the poll: Kermesse"]
    assert "Cahier de Zoé" in page and "Sortie à la ferme" not in page
    page = client.get(f"/news?child={world.child_a.public_id}").get_data(as_text=True)
    assert "Sortie à la ferme" in page and "Cahier de Zoé" not in page and "Kermesse" not in page
    assert menu_to_do(page) == 3  # the menu still counts everything


def test_the_pager_keeps_the_filter(app, world, family, login_as, monkeypatch):
    zoe, *_ = family
    monkeypatch.setitem(app.config, "POSTS_PER_PAGE", 1)
    client = login_as(world.parent_a)
    page = client.get(f"/news?child={zoe.public_id}").get_data(as_text=True)
    assert f'href="/news?page=2&amp;child={zoe.public_id}" rel="next"' in page


def test_another_familys_child_shows_nothing_of_that_child(world, family, login_as, make_post, english):
    make_post(world.other_teacher, [keys.group_key(world.other_class.id)], title="Sortie des CM2")
    make_post(world.far.teacher, [keys.group_key(world.far.class_.id)], title="Loin d'ici")
    client = login_as(world.parent_a)
    for forged in (world.other_child.public_id, world.far.child.public_id, world.child_b.public_id, "x" * 300):
        response = client.get(f"/news?child={forged}")
        page = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "Sortie des CM2" not in page and "Loin d'ici" not in page and "Léo" not in page
        assert "<article" not in page and to_do_lines(page) == []  # nothing of anyone else
        assert "aria-current=\"page\">All</a>" not in page


def test_a_parent_of_one_child_has_no_filter_and_staff_keep_their_feed(world, family, login_as, english):
    page = login_as(world.parent_b).get("/news").get_data(as_text=True)
    assert "child-filter" not in page and 'id="todo-title"' in page
    page = login_as(world.teacher_b).get("/news").get_data(as_text=True)
    assert "child-filter" not in page and 'id="todo-title"' not in page
    assert "Kermesse" in page and "Qui peut aider ?" in page  # the excerpt is shared


def test_each_post_shows_a_plain_excerpt_and_a_relative_date(world, login_as, english):
    body = "Bonjour,\n\n**Sortie** au musée jeudi : prévoir <un> goûter et une casquette. " + "Très long texte. " * 40
    services.create_post(world.teacher_a, "Musée", body, [keys.group_key(world.class_a.id)],
                         utcnow() - timedelta(hours=2))
    db.session.commit()
    page = login_as(world.parent_a).get("/news").get_data(as_text=True)
    shown = re.search(r'<p class="excerpt">([^<]*)</p>', page).group(1)
    assert shown.startswith("Bonjour, Sortie au musée jeudi : prévoir &lt;un&gt; goûter")
    assert shown.endswith("…") and len(shown) < 200 and "<strong>" not in shown
    assert ">2 h ago</time>" in page


@pytest.mark.parametrize("text, length, cut", [
    ("<p>Short</p>", 160, "Short"),
    ("<p>one two three four</p>", 10, "one two…"),
    ("<p>abcdefghijkl</p>", 9, "abcdefghi…"),
    ("<p>a</p>\n<ul>\n<li>b &amp; c</li>\n</ul>", 160, "a b & c"),
    ("<p>cut inside a <a href=\"https://example.org/very-long\">link</a></p>", 160, "cut inside a link"),
    (None, 160, ""),
])
def test_excerpts_are_cut_on_a_word(text, length, cut):
    assert home.excerpt(text, length=length) == cut


def test_ten_posts_weigh_under_30_kb(world, family, login_as, english):
    for n in range(10):
        services.create_post(world.teacher_a, f"Une sortie avec un titre assez long n°{n}", "Texte. " * 2000,
                             [keys.group_key(world.class_a.id)], utcnow() - timedelta(minutes=n))
    db.session.commit()
    page = login_as(world.parent_a).get("/news").get_data()
    assert page.count(b"<article") == 10 and len(page) <= 30 * 1024, len(page)


def feed_statements(client, url="/news") -> list[str]:
    db.session.expire_all()
    with recorded_statements() as statements:
        assert client.get(url).status_code == 200
    return statements


def test_to_do_and_filter_keep_the_feed_cost_constant(app, world, family, login_as, monkeypatch):
    zoe, *_ = family
    monkeypatch.setitem(app.config, "POSTS_PER_PAGE", 50)
    now = utcnow()

    def publish(n: int) -> None:
        post = services.create_post(world.teacher_b, f"Sondage {n}", "x " * 50, [keys.group_key(world.class_b.id)],
                                    now - timedelta(minutes=n),
                                    services.PostOptions(requires_ack=n % 2 == 0, ack_due_dt=now + timedelta(days=1)))
        form_services.attach_form(post, builder_data("poll", [{"text": "Oui ?", "kind": "yes_no"}]), now)
        db.session.commit()

    publish(0)
    client = login_as(world.parent_a)
    few = feed_statements(client), feed_statements(client, f"/news?child={zoe.public_id}")
    for n in range(1, 21):
        publish(n)
    many = feed_statements(client), feed_statements(client, f"/news?child={zoe.public_id}")
    assert len(many[0]) == len(few[0]) and len(many[1]) == len(few[1]), "\n".join(many[1])
    assert len(to_do_lines(client.get("/news").get_data(as_text=True))) == 3 + 21 + 11
