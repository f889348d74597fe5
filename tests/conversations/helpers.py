"""Builders the conversations tests share: threads through the real services, posts, images."""
from __future__ import annotations

import io
from datetime import timedelta

from PIL import Image

from ent_lite.conversations import services
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from tests.posts.helpers import add_city_service  # noqa: F401  (shared with the posts tests)


def start_child(world, starter=None, child=None, establishment=None, minutes_ago=0, **kwargs):
    """A child thread (parent_a to the team of class A about child_a unless told), committed."""
    thread, message = services.start_child_thread(
        starter or world.parent_a, child or world.child_a, (establishment or world.school).id,
        "Cantine", "Bonjour, Awa a oublié son gilet.", utcnow() - timedelta(minutes=minutes_ago), **kwargs)
    db.session.commit()
    return thread, message


def png_bytes(width: int = 20, height: int = 10) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def make_post(author, group, title="Sortie au musée", replies_allowed=True, establishment=None):
    """A published post to one group, written directly so these tests do not depend on the compose form."""
    from ent_lite.posts.models import Post, PostAudience

    post = Post(author_id=author.id, establishment_id=(establishment or group.establishment).id, title=title,
                body_markdown="Bonjour", body_html="<p>Bonjour</p>", created_dt=utcnow() - timedelta(minutes=1),
                published_dt=utcnow() - timedelta(minutes=1), replies_allowed=replies_allowed)
    post.audience = [PostAudience(kind="group", value=str(group.id))]
    db.session.add(post)
    db.session.commit()
    return post
