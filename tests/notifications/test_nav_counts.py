"""The navigation's counts: unread news, unread conversations, what is still to sign or answer.

Each count appears, and goes down as soon as the person reads, signs or answers; another
city's posts never count; staff see their own section (messages) and no guardian's numbers.
"""
from __future__ import annotations

from datetime import timedelta

from ent_lite.audience import keys
from ent_lite.conversations import services as conversations
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.forms import services as forms
from ent_lite.notifications import counts
from ent_lite.posts import services
from tests import factories
from tests.forms.conftest import answer_url, builder_data, fields
from tests.queries import recorded_statements


def publish(world, title="Sortie", targets=None, author=None, minutes_ago=1, **options):
    now = utcnow() - timedelta(minutes=minutes_ago)
    post = services.create_post(author or world.teacher_a, title, "Bonjour.",
                                targets or [keys.group_key(world.class_a.id)], now, services.PostOptions(**options))
    db.session.commit()
    return post


def nav_of(client) -> str:
    page = client.get("/account").get_data(as_text=True)
    return page[page.index("<nav"):page.index("</nav>")]


def test_unread_news_appear_in_the_navigation_and_go_down_when_read(world, login_as, english):
    first, second = publish(world, "Sortie"), publish(world, "Piscine")
    publish(world, "Classe B", targets=[keys.group_key(world.class_b.id)], author=world.teacher_b)
    client = login_as(world.parent_a)
    assert counts.unread_news_count(world.parent_a, utcnow()) == 2
    assert '<span class="visually-hidden">2 unread</span>' in nav_of(client)
    client.get(f"/news/{first.public_id}")
    assert counts.unread_news_count(world.parent_a, utcnow()) == 1
    assert '<span class="visually-hidden">1 unread</span>' in nav_of(client)
    client.get(f"/news/{second.public_id}")
    assert "unread" not in nav_of(client)
    # Each guardian has their own count: Awa's father has read nothing.
    assert counts.unread_news_count(world.parent_a2, utcnow()) == 2


def test_old_posts_are_not_counted(world):
    publish(world, "Il y a longtemps", minutes_ago=int(counts.NEWS_WINDOW.total_seconds() // 60) + 60)
    assert counts.unread_news_count(world.parent_a, utcnow()) == 0


def test_another_citys_posts_never_count(world):
    far = world.far
    service_agent = far.city_agent
    publish(world, "Autreville", targets=[keys.ALL_KEY], author=service_agent)
    publish(world, "Classe d'Autreville", targets=[keys.group_key(far.class_.id)], author=far.teacher,
            requires_ack=True)
    now = utcnow()
    assert counts.unread_news_count(world.parent_a, now) == 0 and counts.to_do(world.parent_a, now).total == 0
    assert counts.unread_news_count(far.parent, now) == 2 and counts.to_do(far.parent, now).signatures == 1


def test_a_signature_due_is_to_do_until_signed(world, login_as, english):
    post = publish(world, requires_ack=True, ack_due_dt=utcnow() + timedelta(days=2))
    publish(world, "Trop tard", requires_ack=True, ack_due_dt=utcnow() - timedelta(minutes=1), minutes_ago=60)
    assert counts.to_do(world.parent_a, utcnow()) == counts.ToDo(signatures=1)
    client = login_as(world.parent_a)
    assert '<span class="visually-hidden">1 to do</span>' in nav_of(client)
    client.post(f"/news/{post.public_id}/sign", data={"child": world.child_a.public_id})
    # One signature per child: signed by one parent, nothing left for either.
    assert counts.to_do(world.parent_a, utcnow()).total == 0 == counts.to_do(world.parent_a2, utcnow()).total
    assert "to do" not in nav_of(client)


def test_every_guardian_mode_leaves_the_other_parent_to_sign(world, login_as):
    post = publish(world, requires_ack=True, ack_every_guardian=True)
    login_as(world.parent_a).post(f"/news/{post.public_id}/sign", data={"child": world.child_a.public_id})
    assert counts.to_do(world.parent_a, utcnow()).total == 0
    assert counts.to_do(world.parent_a2, utcnow()).signatures == 1


def test_a_form_to_answer_is_to_do_until_answered(world, login_as, english):
    now = utcnow()
    post = services.create_post(world.teacher_a, "Musée", "Bonjour.", [keys.group_key(world.class_a.id)], now)
    form = forms.attach_form(post, builder_data("authorisation"), now)
    closed_post = services.create_post(world.teacher_a, "Fini", "Bonjour.", [keys.group_key(world.class_a.id)], now)
    closed = forms.attach_form(closed_post, builder_data("poll", [{"text": "Mardi ?", "kind": "yes_no"}]), now)
    closed.deadline_dt = now - timedelta(minutes=1)
    db.session.commit()
    assert counts.to_do(world.parent_a, utcnow()) == counts.ToDo(forms=1)
    assert counts.to_do(world.parent_b, utcnow()).total == 0  # not their child's class
    client = login_as(world.parent_a)
    assert '<span class="visually-hidden">1 to do</span>' in nav_of(client)
    assert client.post(answer_url(form), data=fields(form, world.child_a, q1="yes")).status_code == 302
    assert counts.to_do(world.parent_a, utcnow()).total == 0 == counts.to_do(world.parent_a2, utcnow()).total
    assert "to do" not in nav_of(client)


def test_staff_see_their_messages_and_no_guardian_counts(world, login_as, english):
    publish(world, requires_ack=True)
    conversations.start_child_thread(world.parent_a, world.child_a, world.school.id, "Absence", "Demain.", utcnow())
    db.session.commit()
    client = login_as(world.teacher_a)
    nav = nav_of(client)
    assert "<span class=\"visually-hidden\">1 conversation with new messages</span>" in nav
    assert "unread" not in nav and "to do" not in nav
    assert counts.unread_news_count(world.teacher_a, utcnow()) == 0
    assert counts.to_do(world.teacher_a, utcnow()).total == 0


def nav_statements(user, now) -> list[str]:
    db.session.expire_all()
    assert user.role  # the request has loaded the person already
    nav = counts.NavCounts(user, now)
    with recorded_statements() as statements:
        assert (nav.news, nav.messages, nav.to_do) == (nav.news, nav.messages, nav.to_do)  # asked twice
    return statements


def test_the_counts_cost_a_few_queries_whatever_is_waiting(world):
    """At most 7 for a guardian (their children, unread posts, posts due, their audiences, links and
    signatures, answers, unread conversations); none grows with the number of posts or forms."""
    now = utcnow()
    publish(world, "Un", requires_ack=True)
    post = services.create_post(world.teacher_a, "Sondage", "Bonjour.", [keys.group_key(world.class_a.id)], now)
    forms.attach_form(post, builder_data("poll", [{"text": "Mardi ?", "kind": "yes_no"}]), now)
    db.session.commit()
    few = nav_statements(world.parent_a, utcnow())
    for n in range(15):
        publish(world, f"Post {n}", requires_ack=n % 2 == 0)
        extra = services.create_post(world.teacher_a, f"Sondage {n}", "Bonjour.", [keys.group_key(world.class_a.id)],
                                     now)
        forms.attach_form(extra, builder_data("authorisation"), now)
    factories.make_child(world.city, world.class_b, "Lou", guardians=[world.parent_a])
    db.session.commit()
    many = nav_statements(world.parent_a, utcnow())
    assert len(many) == len(few) <= 7, "\n\n".join(many)
    assert counts.to_do(world.parent_a, utcnow()) == counts.ToDo(signatures=9, forms=16)
    # Staff: their conversations only (their memberships, then the count), as before the other counts.
    assert len(nav_statements(world.teacher_a, utcnow())) <= 2


def test_a_page_computes_the_counts_once(world, login_as, english, monkeypatch):
    publish(world)
    client = login_as(world.parent_a)
    asked = []
    original = counts.unread_news_count
    monkeypatch.setattr(counts, "unread_news_count", lambda *args: asked.append(1) or original(*args))
    client.get("/account")
    client.get("/account")
    assert len(asked) == 2  # once per request, never carried over to the next one


def test_an_old_post_whose_deadline_is_ahead_stays_to_do(world):
    """Published in September, answer due in December: still to do in November."""
    now = utcnow()
    post = services.create_post(world.teacher_a, "Classe de neige", "Bonjour.", [keys.group_key(world.class_a.id)],
                                now - timedelta(days=75))
    form = forms.attach_form(post, builder_data("authorisation"), now - timedelta(days=75))
    form.deadline_dt = now + timedelta(days=20)
    db.session.commit()
    undated = publish(world, "Ancienne", minutes_ago=75 * 24 * 60, requires_ack=True)
    assert undated.requires_ack and undated.ack_due_dt is None
    assert counts.to_do(world.parent_a, now) == counts.ToDo(forms=1)
