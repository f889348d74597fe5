"""Readers see when a post, a conversation and form answers will be deleted."""
from __future__ import annotations

from datetime import timedelta

from flask_babel import force_locale

from ent_lite.audience import keys
from ent_lite.core.dates import format_day
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.forms import services as forms
from ent_lite.posts import services as posts
from ent_lite.privacy import retention
from tests.forms.conftest import builder_data
from tests.privacy.conftest import utc


def shown(moment) -> str:
    with force_locale("en"):
        return format_day(moment)


def test_deletion_dates_follow_the_school_year_and_the_policy(world, make_post, make_thread):
    post = make_post(utc(2026, 3, 10))
    assert retention.deletion_date(post) == utc(2026, 11, 30, 0)  # 1 September 2026 + 90 days
    thread, message = make_thread(utc(2026, 9, 2))
    assert retention.deletion_date(message) == utc(2027, 11, 30, 0)
    retention.set_override("conversations", 30, utcnow())
    db.session.commit()
    assert retention.deletion_date(message) == utc(2027, 10, 1, 0)


def test_a_guardian_sees_when_a_post_will_be_deleted(world, login_as, english, make_post):
    post = make_post(utcnow() - timedelta(minutes=5))
    login_as(world.parent_a, target=english)
    html = english.get(f"/news/{post.public_id}").get_data(as_text=True)
    expected = retention.deletion_dt("class_content", post.published_dt)
    assert f"This post and its files will be deleted on {shown(expected)}." in html


def test_a_guardian_sees_when_a_conversation_will_be_deleted(world, login_as, english, make_thread):
    thread, _ = make_thread(utcnow() - timedelta(minutes=5))
    login_as(world.parent_a, target=english)
    html = english.get(f"/messages/{thread.public_id}").get_data(as_text=True)
    expected = retention.deletion_dt("conversations", thread.last_message_dt)
    assert f"The messages of this conversation will be deleted on {shown(expected)}." in html


def test_a_guardian_sees_when_form_answers_will_be_deleted(world, login_as, english):
    now = utcnow()
    post = posts.create_post(world.teacher_a, "Sortie", "Bonjour.", [keys.group_key(world.class_a.id)], now)
    form = forms.attach_form(post, builder_data("authorisation"), now)
    db.session.commit()
    login_as(world.parent_a, target=english)
    html = english.get(f"/news/{post.public_id}").get_data(as_text=True)
    expected = min(retention.deletion_dt("form_answers", form.deadline_dt),
                   retention.deletion_dt("class_content", post.published_dt))
    assert f"The answers will be deleted on {shown(expected)} at the latest." in html
