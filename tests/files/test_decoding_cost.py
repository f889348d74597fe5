"""What one upload may cost: decoding is bounded by pixels × bytes per pixel, per photo and per
request, and refused from the image's header before any pixel is decoded.

The refused images here are headers that claim their size and carry no pixels: had decoding
started, the refusal would say "damaged" (400). A refusal that names the size (413) shows it
came from the header alone, so it costs nothing whatever the size claimed.
"""
from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from ent_lite.conversations.models import Message
from ent_lite.extensions import db
from ent_lite.files.models import Attachment
from ent_lite.files.processing import Limits, UploadRefused, check, process
from tests.conversations.helpers import start_child
from tests.files import images

LIMITS = Limits(max_bytes=10 * 1024 * 1024, max_pixels=40_000_000)


def reply(client, thread, uploads):
    return client.post(f"/messages/{thread.public_id}/reply", content_type="multipart/form-data", data={
        "body": "Voici les captures.", "files": [(io.BytesIO(data), name) for data, name in uploads]})


def nothing_written() -> bool:
    return (db.session.scalar(select(func.count(Message.id))) == 1  # the thread's first message only
            and db.session.scalar(select(func.count(Attachment.id))) == 0)


def test_an_image_over_the_bound_is_refused_at_once_with_a_clear_message(world, login_as, english):
    thread, _ = start_child(world)
    # 6300 × 6300 with transparency: under the 40-megapixel cap, but 159 MB once decoded.
    response = reply(login_as(world.parent_a), thread, [(images.png_header(6300, 6300), "capture.png")])
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "capture.png is too large to be processed: 6,300 × 6,300 pixels." in page
    assert "Reduce it to at most 26 megapixels, or save it as JPEG, and send it again." in page
    assert "Voici les captures." in page  # what was typed is kept
    assert nothing_written()


def test_photos_too_large_together_are_refused_before_any_is_decoded(world, login_as, english):
    thread, _ = start_child(world)
    # Each is under the bound for one photo (85 MB); five of them are not, together (423 MB).
    uploads = [(images.png_header(4600, 4600), f"capture-{n}.png") for n in range(5)]
    response = reply(login_as(world.parent_a), thread, uploads)
    assert response.status_code == 413
    assert "These photos are too large to be processed together." in response.get_data(as_text=True)
    assert nothing_written()


@pytest.mark.parametrize("mode, accepted", [("L", True), ("RGB", False), ("RGBA", False)])
def test_the_bound_counts_the_bytes_of_each_pixel(request_ctx, mode, accepted):
    """36 megapixels: 36 MB in grey, 144 MB in colour (held in four bytes, with or without alpha)."""
    data = images.png_header(6000, 6000, mode)
    if accepted:
        assert check(data, "scan.png", LIMITS).decoded_bytes == 36_000_000
    else:
        with pytest.raises(UploadRefused) as refused:
            check(data, "scan.png", LIMITS)
        assert refused.value.status == 413 and "too large to be processed" in refused.value.message


def test_a_large_jpeg_is_decoded_at_a_reduced_scale_and_accepted(request_ctx):
    """35 megapixels: refused as a PNG, accepted as a JPEG, which decodes at a quarter of its size."""
    data = images.encode(images.quadrant_image((7000, 5000)), "JPEG", quality=80)
    checked = check(data, "IMG_0042.jpg", LIMITS)
    assert checked.decoded_bytes == 1750 * 1250 * 4
    processed = process(checked, LIMITS)
    assert (processed.width, processed.height) == (1600, 1143)
    with pytest.raises(UploadRefused):
        check(images.png_header(7000, 5000, "RGB"), "IMG_0042.png", LIMITS)
