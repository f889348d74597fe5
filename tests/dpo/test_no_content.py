"""The DPO never reads content (PRIVACY.md, rules: "admin, dpo: no post, no child"): every page
showing a post, a message, a thread, a file or form results is 404 for them, on real objects
that their authors and readers do open."""
from __future__ import annotations

import io
from datetime import timedelta

from PIL import Image
from werkzeug.datastructures import FileStorage

from ent_lite.audience import keys
from ent_lite.conversations import services as conversations
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.files import services as files
from ent_lite.forms import services as forms
from ent_lite.posts import services as posts


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (12, 8), (20, 120, 200)).save(buffer, "PNG")
    return buffer.getvalue()


def upload(app, uploader, now):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        return files.store_upload(FileStorage(io.BytesIO(png()), filename="photo.png"), uploader, now)


def build_content(app, world):
    now = utcnow() - timedelta(minutes=1)
    post = posts.create_post(world.teacher_a, "Sortie au musée", "Rendez-vous à 8 h.",
                             [keys.group_key(world.class_a.id)], now)
    form = forms.attach_form(post, {"kind": "authorisation", "answered_per": "child",
                                    "deadline_date": (now + timedelta(days=7)).date(), "deadline_time": None,
                                    "questions": []}, now)
    photo = upload(app, world.teacher_a, now)
    photo.post_id = post.id
    thread, message = conversations.start_child_thread(
        world.parent_a, world.child_a, world.school.id, "Cantine", "Awa a oublié son gilet.", now)
    attachment = upload(app, world.parent_a, now)
    attachment.message_id = message.id
    db.session.commit()
    return post, form, photo, thread, attachment


def content_urls(post, form, photo, thread, attachment) -> dict[str, list[str]]:
    """URL -> who may open it (proof that the object is there and readable by someone)."""
    return {
        "/news": ["teacher_a"],
        f"/news/{post.public_id}": ["teacher_a"],
        f"/news/{post.public_id}/tracking": ["teacher_a"],
        f"/news/{post.public_id}/edit": ["teacher_a"],
        f"/forms/{form.public_id}/results": ["teacher_a"],
        f"/forms/{form.public_id}/results.csv": ["teacher_a"],
        f"/files/{photo.public_id}": ["teacher_a"],
        f"/files/{photo.public_id}/thumb": ["teacher_a"],
        "/messages": ["parent_a"],
        "/messages/new": ["parent_a"],
        f"/messages/{thread.public_id}": ["parent_a"],
        f"/files/{attachment.public_id}": ["parent_a"],
    }


def test_the_dpo_gets_404_for_every_post_message_thread_file_and_form_result(app, world, login_as, client):
    content = build_content(app, world)
    thread = content[3]
    urls = content_urls(*content)
    readers = {}
    for url, who in urls.items():
        for name in who:
            reader = readers.get(name) or login_as(getattr(world, name), target=app.test_client())
            readers[name] = reader
            assert reader.get(url).status_code == 200, f"{name} cannot open {url}"

    login_as(world.dpo)
    refused = {url: client.get(url).status_code for url in urls}
    assert refused == dict.fromkeys(urls, 404)
    assert client.post(f"/messages/{thread.public_id}/reply", data={"body": "Bonjour"}).status_code == 404
