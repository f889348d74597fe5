"""A post is live (readers see it) from its publication time until its expiry: ``Post.is_live``
on a loaded post (pages, the reminder, notifications) and ``rules.post_is_live`` in SQL (the
feed, counts) must agree to the microsecond at both instants that change what families see."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from ent_lite import rules
from ent_lite.audience import keys
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.posts import services
from ent_lite.posts.models import Post

TICK = timedelta(microseconds=1)


def scheduled_post(world, expires: bool) -> Post:
    now = utcnow()
    options = services.PostOptions(publish_at=now + timedelta(days=1),
                                   expires_dt=now + timedelta(days=3) if expires else None)
    post = services.create_post(world.teacher_a, "Sortie", "x", [keys.group_key(world.class_a.id)], now, options)
    db.session.commit()
    db.session.expire(post)  # the instants as the database gives them back
    return post


def live_in_sql(post: Post, now) -> bool:
    return db.session.scalar(select(Post.id).where(Post.id == post.id, rules.post_is_live(now))) is not None


@pytest.mark.parametrize("offset, live", [(-TICK, False), (timedelta(0), True), (TICK, True)])
def test_live_from_the_publication_instant(world, offset, live):
    post = scheduled_post(world, expires=False)
    now = post.published_dt + offset
    assert post.is_live(now) is live and live_in_sql(post, now) is live
    assert post.is_scheduled(now) is not live


@pytest.mark.parametrize("offset, live", [(-TICK, True), (timedelta(0), False), (TICK, False)])
def test_hidden_from_the_expiry_instant(world, offset, live):
    post = scheduled_post(world, expires=True)
    now = post.expires_dt + offset
    assert post.is_live(now) is live and live_in_sql(post, now) is live
    assert post.is_expired(now) is not live


def test_the_expiry_instant_hides_it_from_the_family_feed(world):
    post = scheduled_post(world, expires=True)
    def feed(now) -> list[int]:
        return [p.id for p in services.feed_page(world.parent_a, now, 1, 50)[0]]

    assert feed(post.expires_dt - TICK) == [post.id]
    assert feed(post.expires_dt) == []
