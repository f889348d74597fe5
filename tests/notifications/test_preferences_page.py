"""The notification preferences page: defaults shown, one row saved, impossible hours refused
with what was typed kept, urgent messages that no POST can turn off."""
from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from ent_lite.extensions import db
from ent_lite.notifications import preferences
from ent_lite.notifications.models import Category, Channel, Mode, NotificationPreferences
from ent_lite.notifications.schedule import Plan, plan
from tests.concurrency import at_once

URL = "/notifications"
SATURDAY_NIGHT = datetime(2026, 12, 5, 22, 0, tzinfo=timezone.utc)


def valid_form(**changes) -> dict:
    data = {
        "news_email": "weekly", "news_push": "off", "todo_email": "immediate", "todo_push": "immediate",
        "messages_email": "daily", "messages_push": "daily", "digest_time": "19:30", "weekly_day": "2",
        "quiet_start": "21:00", "quiet_end": "06:30", "quiet_weekends": "y",
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def row_of(user) -> NotificationPreferences | None:
    db.session.expire_all()
    return db.session.get(NotificationPreferences, user.id)


def row_count() -> int:
    return db.session.scalar(select(func.count()).select_from(NotificationPreferences))


def checked(page: str, name: str) -> str:
    """The value of the checked radio button ``name``."""
    (value,) = re.findall(rf'<input checked id="{name}-\d" name="{name}" type="radio" value="([^"]+)">', page)
    return value


def value_of(page: str, name: str) -> str:
    return re.search(rf'<input[^>]* name="{name}"[^>]* value="([^"]*)"', page).group(1)


def test_the_defaults_are_shown_before_any_choice(world, login_as, english):
    page = login_as(world.parent_a).get(URL).get_data(as_text=True)
    for category in Category.CONFIGURABLE:
        assert checked(page, f"{category}_email") == Mode.DAILY
        assert checked(page, f"{category}_push") == Mode.IMMEDIATE
    assert checked(page, "weekly_day") == "4"
    assert (value_of(page, "digest_time"), value_of(page, "quiet_start"), value_of(page, "quiet_end")) == (
        "18:00", "20:00", "07:00")
    assert re.search(r'<input checked id="quiet_weekends" name="quiet_weekends" type="checkbox"', page)
    assert "Urgent messages: always on" in page and "It cannot be turned off." in page
    assert row_count() == 0  # looking writes nothing


def test_saving_writes_one_row_and_confirms(world, login_as, english):
    client = login_as(world.parent_a)
    response = client.post(URL, data=valid_form())
    assert response.status_code == 302 and response.headers["Location"] == URL
    page = client.get(URL).get_data(as_text=True)
    assert "Your notification choices are saved." in page
    saved = row_of(world.parent_a)
    assert (saved.news_email, saved.news_push, saved.todo_email, saved.messages_push) == (
        Mode.WEEKLY, Mode.OFF, Mode.IMMEDIATE, Mode.DAILY)
    assert (saved.digest_minute, saved.weekly_day, saved.quiet_start_minute, saved.quiet_end_minute) == (
        19 * 60 + 30, 2, 21 * 60, 6 * 60 + 30)
    assert saved.quiet_weekends is True
    # The page now shows the saved choices.
    assert checked(page, "news_email") == Mode.WEEKLY and value_of(page, "digest_time") == "19:30"

    client.post(URL, data=valid_form(quiet_weekends=None, news_push="immediate"))
    assert row_count() == 1
    saved = row_of(world.parent_a)
    assert saved.quiet_weekends is False and saved.news_push == Mode.IMMEDIATE


def test_times_typed_the_french_way_are_understood(world, login_as):
    login_as(world.parent_a).post(URL, data=valid_form(digest_time="17h", quiet_start="22 h 15", quiet_end="6h30"))
    saved = row_of(world.parent_a)
    assert (saved.digest_minute, saved.quiet_start_minute, saved.quiet_end_minute) == (17 * 60, 22 * 60 + 15, 390)


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"digest_time": "tea time"}, "digest_time", "Enter a time of day such as 18:00."),
    ({"quiet_start": "25:00"}, "quiet_start", "Enter a time of day such as 18:00."),
    ({"quiet_end": "7:75"}, "quiet_end", "Enter a time of day such as 18:00."),
    ({"digest_time": ""}, "digest_time", "Enter a time of day such as 18:00."),
    ({"quiet_start": "21:00", "quiet_end": "21h"}, "quiet_end", "Quiet hours must end at another time than they start."),
    ({"digest_time": "22:00"}, "digest_time", "so your summary would never be sent"),
    ({"digest_time": "05:00"}, "digest_time", "so your summary would never be sent"),
    ({"weekly_day": "6"}, "weekly_day", "a weekly summary on that day would never be sent"),
    ({"news_email": "sometimes"}, "news_email", "Choose one of the options."),
    ({"todo_push": None}, "todo_push", "Choose one of the options."),
    ({"weekly_day": "9"}, "weekly_day", "Choose one of the options."),
    ({"weekly_day": "abc"}, "weekly_day", "Choose one of the options."),
    ({"weekly_day": None}, "weekly_day", "Choose one of the options."),
])
def test_each_impossible_choice_is_refused_next_to_its_field_keeping_what_was_typed(
        world, login_as, english, changes, field, message):
    client = login_as(world.parent_a)
    data = valid_form(**changes)
    response = client.post(URL, data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert row_count() == 0
    # The error summary links to the field, and the field carries the message.
    summary = re.search(r'<div class="flash flash-error error-summary" role="alert".*?</div>', page, re.S).group(0)
    assert re.search(rf'href="#{field}(-0)?"', summary) and message in summary
    assert re.search(rf'id="{field}-error">[^<]*{re.escape(message)}', page)
    # Everything typed is still there, the wrong value included.
    for name in ("digest_time", "quiet_start", "quiet_end"):
        assert value_of(page, name) == data.get(name, "")
    if data.get("news_email") in Mode.ALL:
        assert checked(page, "news_email") == data["news_email"]
    assert checked(page, "messages_push") == "daily"


def test_a_field_hidden_in_a_closed_section_opens_when_it_is_wrong(world, login_as, english):
    page = login_as(world.parent_a).post(URL, data=valid_form(quiet_end="noon")).get_data(as_text=True)
    assert re.search(r'<details class="field" open>\s*<summary>Quiet from', page)
    assert re.search(r'<details class="field">\s*(\{[^}]*\}\s*)?.*?<summary>Day of the weekly summary', page, re.S)


def test_the_digest_hour_may_be_in_quiet_hours_when_no_digest_is_chosen(world, login_as):
    everything_at_once = {f"{c}_{ch}": "immediate" for c in Category.CONFIGURABLE for ch in Channel.ALL}
    login_as(world.parent_a).post(URL, data=valid_form(**everything_at_once, digest_time="23:00", weekly_day="6"))
    assert row_of(world.parent_a).digest_minute == 23 * 60


def test_the_weekend_day_is_fine_when_weekends_are_not_quiet(world, login_as):
    login_as(world.parent_a).post(URL, data=valid_form(weekly_day="6", quiet_weekends=None))
    assert row_of(world.parent_a).weekly_day == 6


def test_the_errors_are_in_french_for_a_french_reader(world, login_as):
    page = login_as(world.parent_a).post(URL, data=valid_form(quiet_end="21:00")).get_data(as_text=True)
    assert "Les heures calmes doivent finir à une autre heure que celle du début." in page


def test_a_post_without_the_csrf_token_is_refused(world, login_as):
    response = login_as(world.parent_a).post(URL, data=valid_form(), csrf=False)
    assert response.status_code == 400
    assert row_count() == 0


def test_anonymous_visitors_are_sent_to_the_login(client, world):
    response = client.get(URL)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=/notifications")
    assert client.post(URL, data=valid_form()).status_code == 302
    assert row_count() == 0


def test_saving_leaves_another_persons_preferences_untouched(world, login_as):
    login_as(world.parent_b).post(URL, data=valid_form(news_email="off", digest_time="08:00"))
    login_as(world.parent_a).post(URL, data=valid_form(user_id=str(world.parent_b.id), news_email="immediate"))
    assert row_count() == 2
    other = row_of(world.parent_b)
    assert (other.news_email, other.digest_minute) == (Mode.OFF, 8 * 60)
    assert row_of(world.parent_a).news_email == Mode.IMMEDIATE


def test_a_forged_post_cannot_turn_urgent_messages_off(world, login_as, english):
    client = login_as(world.parent_a)
    everything_off = {f"{c}_{ch}": "off" for c in Category.ALL for ch in Channel.ALL}
    response = client.post(URL, data=valid_form(**everything_off, urgent="off"))
    assert response.status_code == 302
    saved = preferences.preferences_of(world.parent_a.id)
    for channel in Channel.ALL:
        assert plan(saved, Category.NEWS, channel, SATURDAY_NIGHT) is None
        assert plan(saved, Category.URGENT, channel, SATURDAY_NIGHT) == Plan(SATURDAY_NIGHT)
    assert "It cannot be turned off." in client.get(URL).get_data(as_text=True)
    assert 'name="urgent' not in client.get(URL).get_data(as_text=True)


def test_two_tabs_saving_at_once_both_succeed_and_leave_one_row(app, world, login_as):
    tabs = [login_as(world.parent_a, target=app.test_client()) for _ in range(3)]
    times = ["19:00", "19:15", "19:30"]
    responses = at_once([lambda c=c, t=t: c.post(URL, data=valid_form(digest_time=t)) for c, t in zip(tabs, times)])
    db.session.rollback()  # see the other connections' commits
    assert [r.status_code for r in responses] == [302] * 3
    assert row_count() == 1
    assert row_of(world.parent_a).digest_minute in {19 * 60, 19 * 60 + 15, 19 * 60 + 30}


@pytest.mark.parametrize("who", ["parent_a", "teacher_a", "director", "animator", "city_agent"])
def test_everyone_who_is_told_has_the_page_and_the_link_from_my_account(world, login_as, english, who):
    client = login_as(getattr(world, who))
    assert client.get(URL).status_code == 200
    assert 'href="/notifications"' in client.get("/account").get_data(as_text=True)


@pytest.mark.parametrize("who", ["admin", "dpo"])
def test_admin_and_dpo_have_no_feed_nor_inbox_so_no_page(world, login_as, who):
    client = login_as(getattr(world, who))
    assert client.get(URL).status_code == 404
    assert client.post(URL, data=valid_form()).status_code == 404
    assert 'href="/notifications"' not in client.get("/account").get_data(as_text=True)
    assert row_count() == 0
