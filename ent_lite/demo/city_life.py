"""The demo city's week: periscolaire groups and their site lead, the calendar, absence notices,
the city service as a contact and a city post sent to criteria.

Written through the features' own services (``periscolaire.services.enrol``,
``agenda.events.create_event``/``sync_post_event``/``cancel_event``, ``absences.services``,
``conversations.services``, ``audience.criteria_posting.post_to_criteria`` and
``posts.services.create_post``), so the rules they keep hold for the demo too. Deterministic:
its own ``random.Random``; the days are set from the day the demo is seeded. What it shows:
- the Jean Jaurès site's evening group (seeded before), a morning group and a Wednesday group,
  some children in each, the printed family's pupils there among them, and a site lead who
  keeps the three groups (a site-wide membership) and enrols the children;
- in the calendar: the city's school holidays (public, for all families, also in the open-data
  feed), a parents' meeting and a cancelled school council (the printed director), the
  printed teacher's class outing (a post with a date), a strike day at Jean Jaurès and the
  Wednesday leisure centre every week of the school year (the site lead);
- the printed family's absence notices, sent in the morning (so always before the site's
  cutoff, whatever the hour the demo starts): to the school for today, seen by the teacher; to
  the evening childcare for tonight (or its next evening on a Wednesday or a weekend), not
  seen yet by the animators;
- the printed parent's question to the city service, answered by the agent;
- a city post for the families of 6–11-year-olds who use the evening childcare.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from ent_lite.absences import services as absences
from ent_lite.accounts.models import Role, User
from ent_lite.agenda.events import EventDetails, cancel_event, create_event, sync_post_event
from ent_lite.agenda.models import EventCategory
from ent_lite.audience.criteria import Criteria
from ent_lite.audience.criteria_posting import post_to_criteria
from ent_lite.audience.keys import ALL_KEY, establishment_key, group_key
from ent_lite.conversations import services as conversations
from ent_lite.core.localtime import local_to_utc, to_local
from ent_lite.demo import data
from ent_lite.extensions import db
from ent_lite.periscolaire.holidays import holiday_days
from ent_lite.periscolaire.kinds import kinds_on
from ent_lite.periscolaire.services import enrol
from ent_lite.posts.services import PostOptions, create_post
from ent_lite.school.models import Child, Establishment, Group, GroupKind, GuardianLink, PeriscolaireKind

MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY = range(5)


@dataclass(frozen=True)
class Family:
    """The printed parent and where their children are."""

    guardian: User
    children: list[Child]          # by id: the first is the one the printed logins start from
    class_of: dict[int, Group]     # child id -> class
    at_site: list[Child]           # the children the periscolaire site looks after


def seed_city_life(s, schools, children_by_class: dict[Group, list[Child]], evening: Group, agent: User,
                   showcase: User) -> None:
    """``s`` is the demo's ``Seeder``; ``schools`` its (school, director, [(class, teacher)])."""
    rng = random.Random(data.CITY_LIFE_SEED)
    now = s.now
    start_year = int(s.year[:4])
    holidays = school_holidays(start_year)
    site = evening.establishment
    lead = s.user(Role.ANIMATOR, *data.SITE_LEAD)
    s.member(lead, site)  # no group: the whole site
    db.session.flush()

    candidates = sorted((child for group, children in children_by_class.items()
                         if group.establishment.name == data.PERISCOLAIRE_SCHOOL for child in children),
                        key=lambda c: c.id)
    family = _family(showcase, children_by_class, candidates, evening)
    wednesday = _periscolaire(s, rng, lead, evening, candidates, family, now - timedelta(days=30))

    _calendar(schools, family, lead, wednesday, agent, holidays, start_year, now)
    _criteria_post(agent, now)
    _service_thread(family, agent, now)
    _absences(family, schools, now)
    db.session.flush()


def school_holidays(start_year: int) -> list[tuple[str, date, date]]:
    """The demo's school holidays (title, first day, last day) in the year starting in ``start_year``."""
    return [(title, _in_year(start_year, *first), _in_year(start_year, *last))
            for title, first, last in data.SCHOOL_HOLIDAYS]


def _in_year(start_year: int, month: int, day: int) -> date:
    """A day of the school year that starts in September of ``start_year``."""
    return date(start_year if month >= 9 else start_year + 1, month, day)


def _on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _school_day(day: date, weekday: int, holidays) -> date:
    """The first such weekday on or after ``day`` outside the holidays."""
    day = _on_or_after(day, weekday)
    while any(first <= day <= last for _, first, last in holidays):
        day += timedelta(weeks=1)
    return day


def _family(showcase: User, children_by_class, candidates: list[Child], evening: Group) -> Family:
    class_of = {child.id: group for group, children in children_by_class.items() for child in children}
    children = list(db.session.scalars(select(Child).join(GuardianLink, GuardianLink.child_id == Child.id)
                                       .where(GuardianLink.user_id == showcase.id).order_by(Child.id)))
    at_site = [c for c in children if c in candidates and c.level in evening.level_list]
    return Family(showcase, children, class_of, at_site)


def _periscolaire(s, rng: random.Random, lead: User, evening: Group, candidates: list[Child], family: Family,
                  when: datetime) -> Group | None:
    """The site lead enrols the printed family's pupils in the evening group, and children in a
    morning and a Wednesday group; returns the Wednesday group."""
    enrol(lead, evening, family.at_site, when)
    wednesday = None
    for name, levels, kind, size in data.MORE_PERISCOLAIRE_GROUPS:
        group = s.group(evening.establishment, GroupKind.PERISCOLAIRE, name, levels, periscolaire_kind=kind)
        db.session.flush()
        fits = [c for c in candidates if c.level in group.level_list and c not in family.at_site]
        chosen = rng.sample(fits, min(size, len(fits)))
        if kind == PeriscolaireKind.WEDNESDAY:
            chosen += family.at_site[-1:]
            wednesday = group
        enrol(lead, group, chosen, when)
    return wednesday


def _school_of(schools, group: Group):
    return next((school, director, teacher) for school, director, taught in schools
                for class_, teacher in taught if class_ is group)


def _calendar(schools, family: Family, lead: User, wednesday: Group | None, agent: User, holidays,
              start_year: int, now: datetime) -> None:
    today = to_local(now).date()
    school, director, teacher = _school_of(schools, family.class_of[family.children[0].id])
    # The city's holidays: public, for all families, sent from the service.
    for title, first, last in holidays:
        create_event(agent, EventDetails(title, first, end_date=last, category=EventCategory.HOLIDAY, is_public=True),
                     [ALL_KEY], now - timedelta(days=30))
    # The Wednesday leisure centre, every week of the school year until the summer holidays.
    if wednesday is not None:
        title, place = data.WEDNESDAY_EVENT
        summer = holidays[-1][1]
        last = summer - timedelta(days=(summer.weekday() - WEDNESDAY) % 7 or 7)
        create_event(lead, EventDetails(title, _on_or_after(date(start_year, 9, 2), WEDNESDAY), time(8, 30),
                                        end_time=time(18), place=place, weekly_until=last),
                     [group_key(wednesday.id)], now - timedelta(days=30))
    # The school council, called then cancelled (calendars show it struck through).
    title, place = data.CANCELLED_MEETING
    council = create_event(director, EventDetails(title, _school_day(today + timedelta(days=3), MONDAY, holidays),
                                                  time(18), end_time=time(20), place=place,
                                                  category=EventCategory.MEETING),
                           [establishment_key(school.id)], now - timedelta(days=12))
    title, place = data.SCHOOL_MEETING
    create_event(director, EventDetails(title, _school_day(today + timedelta(days=5), TUESDAY, holidays),
                                        time(18), end_time=time(19, 30), place=place, category=EventCategory.MEETING),
                 [establishment_key(school.id)], now - timedelta(days=6))
    # The class outing: the teacher's post, with its date.
    written = now - timedelta(days=4)
    title, body = data.OUTING_POST
    db.session.flush()
    post = create_post(teacher, title, body, [group_key(family.class_of[family.children[0].id].id)], now=written)
    sync_post_event(post, EventDetails(title, _school_day(today + timedelta(days=7), FRIDAY, holidays), time(8, 45),
                                       end_time=time(16, 30), place=data.OUTING_PLACE, category=EventCategory.OUTING),
                    written)
    # A strike closes the school by the periscolaire site for a day.
    site_school, site_director = next((school, director) for school, director, _ in schools
                                      if school.name == data.PERISCOLAIRE_SCHOOL)
    title, place = data.STRIKE_DAY
    create_event(site_director, EventDetails(title, _school_day(today + timedelta(days=8), THURSDAY, holidays),
                                             place=place, category=EventCategory.STRIKE),
                 [establishment_key(site_school.id)], now - timedelta(days=2))
    cancel_event(council, director, now - timedelta(days=1))


def _absences(family: Family, schools, now: datetime) -> None:
    """Sent this morning, or now if the demo starts earlier: before any cutoff, at any hour."""
    today = to_local(now).date()
    first = family.children[0]
    _, _, teacher = _school_of(schools, family.class_of[first.id])
    sent = min(now, local_to_utc(today, time(7, 40)))
    notice = absences.declare(family.guardian, first, absences.AbsenceFields(
        today, today, to_school=True, to_periscolaire=False, reason=data.SCHOOL_ABSENCE_REASON), sent)
    absences.acknowledge(notice, teacher, min(now, sent + timedelta(minutes=45)))
    if not family.at_site:
        return
    evening = _next_evening(family.guardian.city_id, today)
    fields = absences.AbsenceFields(evening, evening, to_school=False, to_periscolaire=True,
                                    reason=data.EVENING_ABSENCE_REASON)
    # Not on the night the school year changes (the groups are still last year's).
    if absences.goes_to_periscolaire(family.at_site[0], fields):
        absences.declare(family.guardian, family.at_site[0], fields, min(now, local_to_utc(today, time(12, 15))))


def _next_evening(city_id: int, today: date) -> date:
    """Tonight, or the next evening the evening childcare runs (none on Wednesdays and weekends)."""
    days = holiday_days(city_id, today, today + timedelta(days=6))
    return next(day for day, holiday in days.items() if PeriscolaireKind.EVENING in kinds_on(day, holiday))


def _service_thread(family: Family, agent: User, now: datetime) -> None:
    service = db.session.get(Establishment, agent.memberships[0].establishment_id)
    child = (family.at_site or family.children)[-1]
    asked, answered = now - timedelta(hours=26), now - timedelta(hours=3)
    thread, _ = conversations.start_service_thread(
        family.guardian, service.id, data.SERVICE_THREAD_SUBJECT,
        data.SERVICE_THREAD_QUESTION.format(child=child.first_name, parent=family.guardian.display_name),
        asked, child=child)
    conversations.mark_read(thread, agent, answered - timedelta(minutes=10))
    conversations.add_message(thread, agent, data.SERVICE_THREAD_ANSWER.format(
        child=child.first_name, agent=agent.display_name, service=service.name), answered)


def _criteria_post(agent: User, now: datetime) -> None:
    published = now - timedelta(days=1)
    low, high = data.CRITERIA_AGES
    db.session.flush()
    target = post_to_criteria(agent, Criteria(min_age=low, max_age=high,
                                              periscolaire_kinds=(PeriscolaireKind.EVENING,)), published)
    title, body = data.CRITERIA_POST
    create_post(agent, title, body, [target], now=published, options=PostOptions(replies_allowed=True))
