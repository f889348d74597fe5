"""The inbox: threads the user may read, newest activity first, unread counts, constant cost."""
from __future__ import annotations

from datetime import timedelta

from flask import render_template_string

from ent_lite.conversations import services
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from tests.conversations.helpers import start_child


def make_threads(world, n: int) -> list:
    threads = []
    for i in range(n):
        thread, _ = start_child(world, minutes_ago=n - i)
        thread.subject = f"Sujet {i:02d}"
        threads.append(thread)
    db.session.commit()
    return threads


def test_inbox_lists_readable_threads_newest_first_with_child_and_class(world, login_as, english, staff_thread):
    make_threads(world, 2)
    login_as(world.teacher_a)
    page = english.get("/messages").get_data(as_text=True)
    assert page.index("Sortie") < page.index("Sujet 01") < page.index("Sujet 00")
    assert "About Awa (CP A)" in page and "Between colleagues" in page
    assert "1 new message" in page


def test_inbox_shows_nothing_of_other_families(world, login_as, english):
    make_threads(world, 1)
    login_as(world.parent_b)
    page = english.get("/messages").get_data(as_text=True)
    assert "Sujet" not in page and "No conversation yet." in page


def test_inbox_unread_count_per_thread(world, login_as, english):
    [thread] = make_threads(world, 1)
    for body in ("Un", "Deux"):
        services.add_message(thread, world.teacher_a, body, utcnow())
    db.session.commit()
    login_as(world.parent_a)
    assert "2 new messages" in english.get("/messages").get_data(as_text=True)
    english.get(f"/messages/{thread.public_id}")
    assert "new message" not in english.get("/messages").get_data(as_text=True)


def test_inbox_pages(world, login_as, english):
    make_threads(world, 23)
    login_as(world.parent_a)
    first = english.get("/messages").get_data(as_text=True)
    second = english.get("/messages?page=2").get_data(as_text=True)
    assert "Sujet 22" in first and "Sujet 03" in first and "Sujet 02" not in first
    assert "Sujet 02" in second and "Sujet 00" in second and "Sujet 03" not in second
    assert english.get("/messages?page=-3").status_code == 200


def test_inbox_costs_the_same_with_1_or_20_threads(world, login_as, client, count_queries):
    login_as(world.teacher_a)
    make_threads(world, 1)
    with count_queries() as one:
        assert client.get("/messages").status_code == 200
    make_threads(world, 19)
    with count_queries() as twenty:
        assert client.get("/messages").status_code == 200
    assert one.n == twenty.n


def test_the_menu_shows_the_unread_total(world, client, login_as, english):
    make_threads(world, 2)
    login_as(world.teacher_a)
    menu = client.get("/account").get_data(as_text=True).split('<nav class="menu"')[1].split("</nav>")[0]
    assert "Messages" in menu and "2 conversations with new messages" in menu


def test_the_menu_has_no_messages_for_admin(world, client, login_as, english):
    login_as(world.admin)
    menu = client.get("/account").get_data(as_text=True).split('<nav class="menu"')[1].split("</nav>")[0]
    assert "Messages" not in menu


def test_older_activity_stays_below(world):
    old, new = make_threads(world, 2)
    services.add_message(old, world.teacher_a, "Relance", utcnow() + timedelta(seconds=1))
    db.session.commit()
    rows, has_next = services.inbox_page(world.parent_a, 1, 20)
    assert [r.thread.id for r in rows] == [old.id, new.id] and not has_next
