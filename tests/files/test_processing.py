"""Uploads are checked by their bytes and images re-encoded without their metadata (PRIVACY.md 30)."""
from __future__ import annotations

import io

import pikepdf
import pytest
from PIL import Image

from ent_lite.files.processing import (
    Limits,
    UploadRefused,
    check_and_process,
    clean_name,
    display_name,
    JPEG,
    PDF,
)
from tests.files import images

LIMITS = Limits(max_bytes=10 * 1024 * 1024, max_pixels=40_000_000)


def refusal(data: bytes, name: str, limits: Limits = LIMITS) -> UploadRefused:
    with pytest.raises(UploadRefused) as caught:
        check_and_process(data, name, limits)
    return caught.value


def reopen(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def assert_no_metadata(data: bytes, image: Image.Image) -> None:
    assert not image.getexif()
    assert image.getexif().get_ifd(images.GPS_IFD) == {}
    for key in ("exif", "xmp", "XML:com.adobe.xmp", "comment", "Comment"):
        assert key not in image.info
    for marker in (b"Exif", b"ns.adobe.com/xap", b"Lyon-XMP-CITY", images.COMMENT, images.CAMERA.encode()):
        assert marker not in data


def test_phone_photo_loses_gps_xmp_and_comment_and_is_turned_upright(request_ctx):
    original = images.camera_jpeg()
    # The test photo really carries what a phone writes.
    assert reopen(original).getexif().get_ifd(images.GPS_IFD)[1] == "N"
    assert b"Lyon-XMP-CITY" in original and images.COMMENT in original

    processed = check_and_process(original, "IMG_2041.JPG", LIMITS)

    stored = reopen(processed.data)
    assert_no_metadata(processed.data, stored)
    assert stored.format == "JPEG"
    # Orientation 6: the 4000x3000 sensor image is a portrait, shrunk to 1600 on its long side.
    assert stored.size == (1200, 1600) == (processed.width, processed.height)
    # The red corner (sensor top-left) is now at the top right, as the phone showed it.
    red, green, blue = stored.getpixel((1150, 50))
    assert red > 200 and green < 60 and blue < 60
    assert stored.getpixel((50, 50))[1] > 150  # not red: the sensor's bottom left, now top left
    assert processed.display_name == "IMG_2041.JPG"
    assert len(processed.data) < len(original)


def test_thumbnail_is_a_small_webp_without_metadata(request_ctx):
    processed = check_and_process(images.camera_jpeg(), "photo.jpg", LIMITS)
    thumbnail = reopen(processed.thumbnail)
    assert thumbnail.format == "WEBP"
    assert thumbnail.size == (240, 320)
    assert_no_metadata(processed.thumbnail, thumbnail)


def test_jpeg_is_saved_progressive(request_ctx):
    stored = reopen(check_and_process(images.small_jpeg((900, 600)), "a.jpg", LIMITS).data)
    assert stored.info.get("progressive") or stored.info.get("progression")


@pytest.mark.parametrize("data, name, fmt", [
    (images.png_with_metadata(), "drawing.png", "PNG"),
    (images.png_with_metadata(mode="RGB"), "drawing.PNG", "PNG"),
    (images.webp_with_metadata(), "photo.webp", "WEBP"),
])
def test_png_and_webp_are_accepted_and_cleaned(request_ctx, data, name, fmt):
    processed = check_and_process(data, name, LIMITS)
    stored = reopen(processed.data)
    assert stored.format == fmt
    assert stored.size == (800, 600)
    assert_no_metadata(processed.data, stored)
    assert processed.file_type.kind == "image"


def test_transparency_of_a_png_is_kept(request_ctx):
    stored = reopen(check_and_process(images.png_with_metadata(mode="RGBA"), "logo.png", LIMITS).data)
    assert stored.mode == "RGBA"


def test_small_images_are_not_enlarged(request_ctx):
    processed = check_and_process(images.small_jpeg((64, 48)), "tiny.jpg", LIMITS)
    assert (processed.width, processed.height) == (64, 48)
    assert reopen(processed.thumbnail).size == (64, 48)


def test_pdf_is_rewritten_with_its_pages(request_ctx):
    processed = check_and_process(images.PDF, "Menu de la cantine.pdf", LIMITS)
    with pikepdf.open(io.BytesIO(processed.data)) as pdf:
        assert len(pdf.pages) == 1
    assert processed.file_type is PDF and processed.thumbnail is None
    assert processed.display_name == "Menu de la cantine.pdf"


@pytest.mark.parametrize("data, name", [
    (images.SVG, "dessin.svg"),
    (images.SVG, "dessin.png"),
    (images.HTML, "page.html"),
    (images.HTML, "photo.jpg"),
    (images.ELF, "programme"),
    (images.WINDOWS_EXE, "setup.exe"),
    (b"GIF89a" + b"\x00" * 40, "anim.gif"),
    (b"just some text", "notes.txt"),
])
def test_other_types_are_refused_with_415_naming_the_file(request_ctx, data, name):
    refused = refusal(data, name)
    assert refused.status == 415
    assert name in refused.message
    assert "only JPEG, PNG or WebP photos and PDF documents" in refused.message


@pytest.mark.parametrize("data, name", [
    (images.png_with_metadata(), "photo.pdf"),
    (images.PDF, "report.jpg"),
    (images.small_jpeg(), "image.png"),
    (images.small_jpeg(), "photo.jpg.exe"),
])
def test_an_extension_that_lies_about_the_bytes_is_refused(request_ctx, data, name):
    refused = refusal(data, name)
    assert refused.status == 415
    assert name in refused.message and "does not match its extension" in refused.message


def test_too_large_is_413(request_ctx):
    refused = refusal(images.PDF, "big.pdf", Limits(max_bytes=50, max_pixels=LIMITS.max_pixels))
    assert refused.status == 413
    assert "big.pdf is too large" in refused.message and "50 bytes" in refused.message


@pytest.mark.parametrize("width, height", [
    (8000, 6000),  # 48 megapixels: our limit
    (10000, 10000),  # past Pillow's warning threshold (a warning is an error in the tests)
    (30000, 30000),  # past Pillow's DecompressionBombError threshold
])
def test_too_many_pixels_is_a_clear_refusal(request_ctx, width, height):
    refused = refusal(images.png_claiming(width, height), "huge.png")
    assert refused.status == 413
    assert "huge.png has too many pixels" in refused.message and "40 megapixels" in refused.message


def test_a_truncated_photo_is_refused(request_ctx):
    whole = images.small_jpeg((800, 600))
    refused = refusal(whole[: len(whole) // 2], "cut.jpg")
    assert refused.status == 400
    assert "cut.jpg could not be read" in refused.message


def test_garbage_after_a_valid_header_is_refused(request_ctx):
    refused = refusal(b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "broken.png")
    assert refused.status == 400


def test_an_empty_file_is_refused(request_ctx):
    assert refusal(b"", "vide.pdf").status == 400


@pytest.mark.parametrize("raw, expected", [
    ("../../etc/passwd.jpg", "passwd.jpg"),
    ("C:\\Users\\Fatou\\Desktop\\photo.jpg", "photo.jpg"),
    ("sortie\x00 du\njeudi\u202e.jpg", "sortie du jeudi.jpg"),
    ("  .hidden.jpg", "hidden.jpg"),
    ("École maternelle.jpg", "École maternelle.jpg"),
])
def test_display_names_are_cleaned(raw, expected):
    assert display_name(raw, JPEG) == expected


def test_display_names_are_short_and_keep_their_extension():
    name = display_name("a" * 300 + ".jpeg", JPEG)
    assert len(name) == 120 and name.endswith(".jpeg")
    assert display_name("", JPEG) == "photo.jpg"
    assert display_name(None, PDF) == "document.pdf"
    assert display_name("scan", PDF) == "scan.pdf"
    assert display_name("Sortie du 14.05", JPEG) == "Sortie du 14.05.jpg"


def test_clean_name_drops_invisible_direction_marks():
    # "photo<RLO>gpj.exe" would display as "photoexe.jpg".
    assert "\u202e" not in clean_name("photo\u202egpj.exe")


def test_the_colour_profile_may_stay(request_ctx):
    from PIL import ImageCms

    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = images.encode(images.quadrant_image((300, 200)), "JPEG", icc_profile=profile, exif=images.exif_with_gps())
    processed = check_and_process(data, "p3.jpg", LIMITS)
    assert reopen(processed.data).info.get("icc_profile") == profile
    assert not reopen(processed.data).getexif()
