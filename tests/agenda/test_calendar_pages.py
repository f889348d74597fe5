"""The calendar page: a month grouped by day with its navigation, the coming weeks, today
marked, cancelled items struck, children named; families and news-reading staff only."""
from datetime import date, time, timedelta

from ent_lite.audience import keys
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from tests.agenda.calendar_rows import make_event, make_session_for, today


def _month(day: date) -> str:
    return day.strftime("%Y-%m")


def test_the_month_shows_each_item_with_time_title_place_and_child(client, world, login_as):
    day = today() + timedelta(days=1)
    make_event(world.school, world.teacher_a, keys.group_key(world.class_a.id), title="Réunion de classe",
               day=day, at=time(17, 30), end_at=time(18, 30), place="Salle 3")
    make_event(world.school, world.teacher_b, keys.group_key(world.class_b.id), title="Classe B", day=day)
    login_as(world.parent_a)
    page = client.get(f"/agenda?mois={_month(day)}").get_data(as_text=True)
    assert "Réunion de classe" in page and "Salle 3" in page and "17\u00a0h\u00a030" in page
    assert "Pour Awa" in page
    assert "Classe B" not in page
    assert 'href="/agenda/evenements/' in page


def test_today_is_marked_and_months_link_both_ways(client, world, login_as):
    make_event(world.school, world.teacher_a, keys.group_key(world.class_a.id), title="Aujourd'hui", day=today())
    login_as(world.parent_a)
    page = client.get("/agenda").get_data(as_text=True)
    assert 'aria-current="date"' in page and "Aujourd’hui" in page
    first = today().replace(day=1)
    previous, following = (first - timedelta(days=1)).replace(day=1), (first + timedelta(days=32)).replace(day=1)
    assert f'href="/agenda?mois={_month(previous)}" rel="prev"' in page
    assert f'href="/agenda?mois={_month(following)}" rel="next"' in page
    later = client.get(f"/agenda?mois={_month(following)}").get_data(as_text=True)
    assert "Aujourd'hui" not in later and 'aria-current="date"' not in later
    assert "Rien dans votre agenda en" in later


def test_a_wrong_month_is_refused_with_a_message_and_this_month(client, world, login_as):
    login_as(world.parent_a)
    for value in ("2026-13", "décembre", "1999-01", "9999-12", ""):
        response = client.get("/agenda", query_string={"mois": value})
        assert response.status_code == 400, value
        assert "Ce mois n’a pas pu être lu" in response.get_data(as_text=True)


def test_a_cancelled_item_is_struck_and_said_cancelled(client, world, login_as):
    event = make_event(world.school, world.teacher_a, keys.group_key(world.class_a.id), title="Sortie au musée")
    event.cancelled_dt = utcnow()
    db.session.commit()
    login_as(world.parent_a)
    page = client.get("/agenda?vue=liste").get_data(as_text=True)
    assert "<s>Sortie au musée</s>" in page and "Annulé" in page


def test_the_list_shows_the_coming_weeks_with_activities(client, world, login_as):
    make_event(world.school, world.teacher_a, keys.group_key(world.class_a.id), title="Bientôt")
    make_event(world.school, world.teacher_a, keys.group_key(world.class_a.id), title="Hier",
               day=today() - timedelta(days=1))
    make_session_for(world, world.child_a, title="Poterie")
    login_as(world.parent_a)
    page = client.get("/agenda?vue=liste").get_data(as_text=True)
    assert "Bientôt" in page and "Poterie" in page and "Hier" not in page
    assert "Activité" in page


def test_an_empty_list_says_so(client, english, world, login_as):
    login_as(world.parent_b)
    assert "Nothing in your calendar until" in client.get("/agenda?vue=liste").get_data(as_text=True)


def test_staff_see_their_calendar_and_admin_roles_get_404(client, world, login_as):
    make_event(world.school, world.teacher_a, keys.group_key(world.class_a.id), title="Classe A")
    login_as(world.teacher_a)
    assert "Classe A" in client.get("/agenda?vue=liste").get_data(as_text=True)
    for user in (world.admin, world.dpo):
        login_as(user)
        assert client.get("/agenda").status_code == 404


def test_calendar_leads_to_the_agenda(client, world, login_as):
    login_as(world.parent_a)
    response = client.get("/calendar")
    assert response.status_code == 302 and response.headers["Location"] == "/agenda"


def test_the_account_page_links_to_the_private_address(client, world, login_as):
    login_as(world.parent_a)
    assert 'href="/agenda/abonnement"' in client.get("/account").get_data(as_text=True)
    login_as(world.admin)
    assert 'href="/agenda/abonnement"' not in client.get("/account").get_data(as_text=True)
