"""The attachment list: accessible thumbnails that do not shift the page, documents with their size."""
from __future__ import annotations

from flask import render_template_string

from tests.files import images

TEMPLATE = '{% from "files/_attachments.html" import attachment_list %}{{ attachment_list(attachments) }}'


def test_photos_and_documents_are_listed(app, world, store, class_post):
    photo = store(images.camera_jpeg(), "IMG_2041.jpg", post=class_post)
    document = store(images.pdf_of_size(50_000), "Menu <img src=x onerror=alert(1)>.pdf", post=class_post)
    with app.test_request_context(headers={"Accept-Language": "en"}):
        html = render_template_string(TEMPLATE, attachments=[photo, document])

    assert f'<a href="/files/{photo.public_id}"><img src="/files/{photo.public_id}/thumb"' in html
    assert 'alt="Photo: IMG_2041.jpg"' in html
    assert 'width="240" height="320"' in html  # the thumbnail's real size: no layout shift
    assert 'loading="lazy"' in html
    assert f'<a href="/files/{document.public_id}">Menu &lt;img src=x onerror=alert(1)&gt;.pdf</a>' in html
    assert "(PDF, 49 KB)" in html


def test_sizes_read_naturally_in_french(app, world, store, class_post):
    document = store(images.pdf_of_size(2_500_000), "gros.pdf", post=class_post)
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        from flask_babel import refresh

        refresh()
        html = render_template_string(TEMPLATE, attachments=[document])
    assert "2,4" in html


def test_nothing_is_rendered_without_attachments(app):
    with app.test_request_context():
        assert render_template_string(TEMPLATE, attachments=[]).strip() == ""
