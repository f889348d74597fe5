"""The demo city's week, as its printed users find it: the family calendar and its feeds, the
periscolaire site and its lead, today's absences, the city service's inbox, a post to criteria."""
from __future__ import annotations

import re
from datetime import time, timedelta

import icalendar
import pytest
import recurring_ical_events
from sqlalchemy import func, select

from ent_lite.absences.models import AbsenceNotice
from ent_lite.absences.rules import closes_at
from ent_lite.accounts.models import Membership, Role, User
from ent_lite.agenda import feeds
from ent_lite.agenda.calendar import calendar_items
from ent_lite.agenda.models import Event, EventCategory
from ent_lite.audience.criteria import count_families, criteria_of
from ent_lite.audience.models import AudienceRule
from ent_lite.conversations.models import Message, Thread
from ent_lite.core.db_types import utcnow
from ent_lite.core.localtime import local_to_utc, to_local
from ent_lite.demo import data
from ent_lite.demo.accounts import printed_by_role
from ent_lite.demo.seed import seed_demo
from ent_lite.periscolaire.holidays import is_holiday
from ent_lite.periscolaire.kinds import kinds_on
from ent_lite.posts.models import Post
from ent_lite.school.models import City, Group, GroupKind, PeriscolaireKind

from tests.demo.test_seed_demo import seed

FR = {"Accept-Language": "fr"}


def printed(db) -> dict[str, list[User]]:
    """The printed accounts by role (two animators: the evening group's and the site lead)."""
    return printed_by_role(db.session.scalar(select(City)))


def html(client, url: str) -> str:
    response = client.get(url, headers=FR)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def test_the_site_has_three_kinds_of_group_and_a_printed_lead_who_keeps_them(runner, db, login_as):
    output = seed(runner)
    people = printed(db)
    animator, lead = people[Role.ANIMATOR]
    assert re.search(rf"^animator +{re.escape(lead.email)} +{lead.display_name}, site lead of "
                     rf"{data.PERISCOLAIRE_SITE[0]}", output, re.MULTILINE)
    (wide,) = db.session.scalars(select(Membership).where(Membership.user_id == lead.id))
    assert wide.group_id is None and wide.establishment.name == data.PERISCOLAIRE_SITE[0]
    groups = db.session.scalars(select(Group).where(Group.kind == GroupKind.PERISCOLAIRE)).all()
    kinds = {group.name: group.periscolaire_kind for group in groups}
    assert kinds == {"Accueil du soir": PeriscolaireKind.EVENING, "Accueil du matin": PeriscolaireKind.MORNING,
                     "Mercredis loisirs": PeriscolaireKind.WEDNESDAY}
    assert all(group.enrolments for group in groups)
    # The printed family's pupils at Jean Jaurès stay for the evening childcare.
    parent = people[Role.GUARDIAN][0]
    evening = next(group for group in groups if group.periscolaire_kind == PeriscolaireKind.EVENING)
    in_evening = [e.child for e in evening.enrolments
                  if any(link.user_id == parent.id for link in e.child.guardian_links)]
    assert len(in_evening) >= 1

    client = login_as(lead, password=data.DEMO_PASSWORD)
    page = html(client, "/periscolaire")
    assert all(name in page for name in kinds)
    group_page = html(client, f"/periscolaire/groupes/{evening.public_id}")
    assert all(child.last_name in group_page for child in in_evening)
    # The evening animator sees their group's children, and has no sites page.
    client = login_as(animator, password=data.DEMO_PASSWORD)
    assert client.get(f"/periscolaire/groupes/{evening.public_id}").status_code == 200
    assert client.get("/periscolaire").status_code == 404


def test_the_printed_family_calendar_has_the_school_year(runner, db, login_as):
    seed(runner)
    people = printed(db)
    parent = people[Role.GUARDIAN][0]
    events = db.session.scalars(select(Event).order_by(Event.id)).all()
    categories = {event.category for event in events}
    assert {EventCategory.HOLIDAY, EventCategory.MEETING, EventCategory.OUTING, EventCategory.STRIKE} <= categories
    holidays = [event for event in events if event.category == EventCategory.HOLIDAY]
    assert len(holidays) == 5 and all(event.is_public and event.end_date for event in holidays)
    assert {event.author.role for event in holidays} == {Role.CITY_AGENT}
    (outing,) = [event for event in events if event.category == EventCategory.OUTING]
    assert outing.post.author == people[Role.TEACHER][0] and outing.title == data.OUTING_POST[0]
    (cancelled,) = [event for event in events if event.is_cancelled]
    (weekly,) = [event for event in events if event.weekly_until]
    assert weekly.author == people[Role.ANIMATOR][1]

    client = login_as(parent, password=data.DEMO_PASSWORD)
    for event in events:
        page = html(client, f"/agenda?mois={event.start_date:%Y-%m}")
        assert event.title in page, event.title
        if event is cancelled:
            assert f"<s>{event.title}</s>" in page
    wednesday_page = html(client, f"/agenda?mois={weekly.start_date:%Y-%m}")
    wednesday_group = db.session.get(Group, int(weekly.audience[0].value))
    child = next(e.child for e in wednesday_group.enrolments
                 if any(link.user_id == parent.id for link in e.child.guardian_links))
    assert f"Pour {child.first_name}" in wednesday_page
    # Over the whole school year, the family's calendar merges all of it (and the activities).
    now = utcnow()
    first, last = min(e.start_date for e in events), max(e.last_date for e in events)
    items = calendar_items(parent, first, last, now)
    assert {e.title for e in events} <= {item.title for item in items}


def test_the_calendar_feeds_carry_the_holidays_and_the_wednesdays(runner, db, client):
    seed(runner)
    parent = printed(db)[Role.GUARDIAN][0]
    now = utcnow()
    today = to_local(now).date()
    public = icalendar.Calendar.from_ical(client.get("/agenda.ics").data)
    summaries = {str(component["SUMMARY"]) for component in public.walk("VEVENT")}
    expected = {e.title for e in db.session.scalars(select(Event).where(Event.category == EventCategory.HOLIDAY))
                if e.last_date >= today - timedelta(days=feeds.DAYS_BACK)}
    assert expected and summaries == expected  # only the public holidays: no school event

    token = feeds.create_feed(parent, now)
    db.session.commit()
    private = icalendar.Calendar.from_ical(client.get(f"/agenda/prive/{token}.ics").data)
    weekly = db.session.scalar(select(Event).where(Event.weekly_until.is_not(None)))
    wednesdays = [occurrence for occurrence in recurring_ical_events.of(private).between(
        weekly.start_date, weekly.weekly_until + timedelta(days=1)) if str(occurrence["SUMMARY"]) == weekly.title]
    if weekly.weekly_until >= today - timedelta(days=feeds.DAYS_BACK):
        assert len(wednesdays) == (weekly.weekly_until - weekly.start_date).days // 7 + 1
        assert all(o["DTSTART"].dt.weekday() == 2 for o in wednesdays)


def test_today_the_teacher_has_seen_the_absence_and_the_evening_childcare_has_not_yet(runner, db, login_as):
    seed(runner)
    people = printed(db)
    parent, teacher = people[Role.GUARDIAN][0], people[Role.TEACHER][0]
    animator, lead = people[Role.ANIMATOR]
    today = to_local(utcnow()).date()
    school, evening = db.session.scalars(select(AbsenceNotice).order_by(AbsenceNotice.id)).all()
    tonight = evening.first_day  # the next evening the evening childcare runs, today on a school day
    assert school.first_day == today and school.author == evening.author == parent
    assert today <= tonight < today + timedelta(days=4) and PeriscolaireKind.EVENING in kinds_on(
        tonight, is_holiday(parent.city_id, tonight))
    assert tonight == today or PeriscolaireKind.EVENING not in kinds_on(today, is_holiday(parent.city_id, today))
    assert school.to_school and school.school_seen_by == teacher
    assert evening.to_periscolaire and not evening.to_school and evening.periscolaire_seen_dt is None

    page = html(login_as(teacher, password=data.DEMO_PASSWORD), "/absences/aujourdhui")
    assert school.child.display_name in page and f"Vu par {teacher.display_name}" in page
    assert evening.child.display_name not in page
    for staff in (animator, lead):
        page = html(login_as(staff, password=data.DEMO_PASSWORD), f"/absences/aujourdhui?jour={tonight.isoformat()}")
        assert evening.child.display_name in page and "1 signalement pas encore vu" in page, staff.email
        assert school.child.display_name not in page
    page = html(login_as(parent, password=data.DEMO_PASSWORD), "/absences")
    assert school.child.first_name in page and evening.child.first_name in page


@pytest.mark.parametrize("hour", [time(0, 30), time(15, 59), time(16, 0), time(23, 30)])
def test_the_evening_absence_is_sent_before_the_cutoff_whatever_the_hour(db, hour):
    now = local_to_utc(to_local(utcnow()).date(), hour)
    seed_demo(now)
    notice = db.session.scalar(select(AbsenceNotice).where(AbsenceNotice.to_periscolaire.is_(True)))
    (site,) = {group.establishment for group in db.session.scalars(
        select(Group).where(Group.kind == GroupKind.PERISCOLAIRE))}
    assert notice.first_day >= to_local(now).date()  # tonight, or the next evening of the childcare
    assert notice.created_dt <= now and notice.created_dt < closes_at(site, notice.first_day)


def test_the_agent_has_answered_the_printed_parent_in_the_service_inbox(runner, db, login_as):
    seed(runner)
    people = printed(db)
    parent, agent = people[Role.GUARDIAN][0], people[Role.CITY_AGENT][0]
    (thread,) = db.session.scalars(select(Thread).where(Thread.guardian_id == parent.id))
    assert thread.establishment.name == data.SERVICE
    authors = db.session.scalars(select(Message.author_id).where(Message.thread_id == thread.id)
                                 .order_by(Message.created_dt)).all()
    assert authors == [parent.id, agent.id]

    page = html(login_as(agent, password=data.DEMO_PASSWORD), "/messages")
    assert thread.subject in page and parent.display_name in page
    page = html(login_as(parent, password=data.DEMO_PASSWORD), "/messages")
    assert thread.subject in page
    page = html(login_as(parent, password=data.DEMO_PASSWORD), f"/messages/{thread.public_id}")
    assert agent.display_name in page and "vacances d’hiver" in page


def test_a_city_post_reaches_the_families_of_6_to_11_year_olds_at_the_evening_childcare(runner, db, login_as):
    seed(runner)
    people = printed(db)
    parent = people[Role.GUARDIAN][0]
    (rule,) = db.session.scalars(select(AudienceRule))
    post = db.session.get(Post, rule.post_id)
    assert post.title == data.CRITERIA_POST[0] and post.author == people[Role.CITY_AGENT][0] and post.replies_allowed
    assert (rule.min_age, rule.max_age) == data.CRITERIA_AGES
    families = count_families(rule.city_id, criteria_of(rule), utcnow())
    all_families = db.session.scalar(select(func.count()).select_from(User).where(User.role == Role.GUARDIAN))
    assert 0 < families < all_families / 2
    assert post.title in html(login_as(parent, password=data.DEMO_PASSWORD), "/news")


def test_french_typography_in_the_city_life_texts():
    texts = [data.STRIKE_DAY[0], data.OUTING_POST[1], data.SCHOOL_ABSENCE_REASON, data.SERVICE_THREAD_SUBJECT,
             data.SERVICE_THREAD_QUESTION, data.SERVICE_THREAD_ANSWER, data.CRITERIA_POST[1],
             *(title for title, *_ in data.SCHOOL_HOLIDAYS)]
    for text in texts:
        assert "'" not in text, text
        for index, char in enumerate(text):
            if char in ":;!?":
                assert text[index - 1] == "\u00a0", (text, index)
