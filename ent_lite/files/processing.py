"""Checking uploads by their bytes and re-encoding images (PRIVACY.md 30).

Nothing here trusts the upload's name or the browser's content type: the first bytes say
what a file is, the name's extension must agree, and images are decoded and written again
from their pixels alone, so EXIF (with GPS), XMP, comments and anything hidden after the
image data are left behind. PDFs are rewritten without metadata or active content (pdf.py).
Plain functions of bytes: no request, no database.
"""
from __future__ import annotations

import io
import unicodedata
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from PIL import ExifTags, Image

from ent_lite.files.pdf import PdfNotCleanable, clean_pdf

MAX_SIDE = 1600
THUMBNAIL_SIDE = 320
MAX_NAME_LENGTH = 120
# A colour profile is kept (colours stay right) unless it is implausibly large.
MAX_ICC_BYTES = 64 * 1024
RGB_FAMILY = ("1", "L", "LA", "P", "PA", "RGB", "RGBA", "RGBX", "I", "I;16", "F")
MiB = 1024 * 1024
# EXIF orientation -> the turn that makes the photo upright (as ImageOps.exif_transpose).
ORIENTATIONS = {
    2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180, 4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


class UploadRefused(Exception):
    """An upload we do not store; ``message`` is translated and names the file."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class FileType:
    label: str
    content_type: str
    extension: str  # of the stored copy and of a display name that had none
    extensions: frozenset[str]  # accepted in the upload's name
    pillow_format: str | None = None  # None: a PDF, rewritten by pdf.clean_pdf

    @property
    def kind(self) -> str:
        return "image" if self.pillow_format else "pdf"


JPEG = FileType("JPEG", "image/jpeg", "jpg", frozenset({"jpg", "jpeg", "jpe", "jfif"}), "JPEG")
PNG = FileType("PNG", "image/png", "png", frozenset({"png"}), "PNG")
WEBP = FileType("WebP", "image/webp", "webp", frozenset({"webp"}), "WEBP")
PDF = FileType("PDF", "application/pdf", "pdf", frozenset({"pdf"}))
THUMBNAIL_CONTENT_TYPE = "image/webp"


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_pixels: int
    # Decoded pixels held in memory for one photo (see decoded_bytes), then for all the photos
    # of one request: decoding and resizing cost time and memory in proportion, so these bound
    # what one request costs (about a second per 100 MiB on one core).
    max_decoded_bytes: int = 100 * MiB
    max_request_decoded_bytes: int = 300 * MiB


@dataclass
class Checked:
    """An upload whose bytes passed the checks, not decoded yet."""

    data: bytes
    file_type: FileType
    display_name: str
    decoded_bytes: int = 0  # what decoding it will hold in memory; 0 for a PDF


@dataclass
class Processed:
    file_type: FileType
    display_name: str
    data: bytes
    thumbnail: bytes | None = None
    width: int | None = None
    height: int | None = None


def sniff(data: bytes) -> FileType | None:
    """The type the bytes say, among the four accepted; None for anything else."""
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    if data.startswith(b"%PDF-"):
        return PDF
    return None


def _extension(name: str) -> str:
    """The name's extension, lower case; "" for none (a date such as "sortie 14.05" is none)."""
    stem, dot, extension = name.rpartition(".")
    if not (dot and stem) or len(extension) > 10 or not any(c.isalpha() for c in extension):
        return ""
    return extension.lower()


def clean_name(filename: str | None) -> str:
    """The last path part, without control or invisible format characters (no RTL tricks)."""
    name = unicodedata.normalize("NFC", (filename or "").replace("\\", "/")).rsplit("/", 1)[-1]
    name = "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c
                   for c in name if unicodedata.category(c) not in ("Cf", "Cs", "Co", "Cn"))
    return " ".join(name.split()).lstrip(". ")


def display_name(filename: str | None, file_type: FileType) -> str:
    """A name to show readers: cleaned, with an extension, at most 120 characters."""
    name = clean_name(filename) or ("photo" if file_type.kind == "image" else "document")
    if _extension(name):
        extension = name.rpartition(".")[2]
    else:
        extension = file_type.extension
        name = f"{name}.{extension}"
    stem = name[: -len(extension) - 1][: MAX_NAME_LENGTH - len(extension) - 1].rstrip(". ")
    return f"{stem or 'file'}.{extension}"


def fit(width: int, height: int, longest: int) -> tuple[int, int]:
    """The size with the longest side at most ``longest``, keeping the proportions."""
    if max(width, height) <= longest:
        return width, height
    scale = longest / max(width, height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def thumbnail_size(width: int, height: int) -> tuple[int, int]:
    return fit(width, height, THUMBNAIL_SIDE)


def check(data: bytes, filename: str | None, limits: Limits) -> Checked:
    """Refuse what is not accepted (UploadRefused) from the bytes and an image's header alone.

    Nothing is decoded yet: what decoding will cost is known, so a request's uploads can be
    weighed together before any of them costs time.
    """
    shown = clean_name(filename)[:MAX_NAME_LENGTH] or "?"
    if not data:
        raise UploadRefused(400, _("%(name)s is empty.", name=shown))
    if len(data) > limits.max_bytes:
        raise UploadRefused(413, _("%(name)s is too large: each file can be at most %(limit)s.",
                                   name=shown, limit=human_size(limits.max_bytes)))
    file_type = sniff(data[:16])
    if file_type is None:
        raise UploadRefused(415, _("%(name)s was refused: only JPEG, PNG or WebP photos and PDF documents "
                                   "are accepted.", name=shown))
    extension = _extension(shown)
    if extension and extension not in file_type.extensions:
        raise UploadRefused(415, _("%(name)s was refused: its content (%(kind)s) does not match its "
                                   "extension.", name=shown, kind=file_type.label))
    checked = Checked(data, file_type, display_name(filename, file_type))
    if file_type.pillow_format is not None:
        with _opened(checked, limits) as source:
            checked.decoded_bytes = decoded_bytes(source.size, source.mode)
            if checked.decoded_bytes > limits.max_decoded_bytes:
                raise _too_large_to_decode(checked.display_name, source, limits)
    return checked


def process(checked: Checked, limits: Limits) -> Processed:
    """The bytes to store for a checked upload: a re-encoded image or a rewritten PDF."""
    if checked.file_type.pillow_format is None:
        return Processed(checked.file_type, checked.display_name, _clean_pdf(checked.data, checked.display_name))
    return _process_image(checked, limits)


def check_and_process(data: bytes, filename: str | None, limits: Limits) -> Processed:
    """Refuse what is not accepted (UploadRefused), else the bytes to store."""
    return process(check(data, filename, limits), limits)


def decoded_bytes(size: tuple[int, int], mode: str) -> int:
    """The memory the decoded pixels take, as Pillow holds them: what decoding and resizing cost."""
    if mode in ("1", "L", "P"):
        per_pixel = 1
    elif mode.startswith("I;16"):
        per_pixel = 2
    else:  # colour is held in four bytes, with or without alpha
        per_pixel = 4
    return size[0] * size[1] * per_pixel


def _clean_pdf(data: bytes, name: str) -> bytes:
    try:
        return clean_pdf(data)
    except PdfNotCleanable as refused:
        if refused.reason == "encrypted":
            raise UploadRefused(415, _("%(name)s was refused: it is protected by a password. Save a copy "
                                       "without a password and send that one.", name=name)) from None
        raise UploadRefused(400, _("%(name)s could not be read: the document is damaged, incomplete "
                                   "or empty.", name=name)) from None


def _too_many_pixels(name: str, max_pixels: int) -> UploadRefused:
    return UploadRefused(413, _("%(name)s has too many pixels: photos can have at most %(limit)s megapixels.",
                                name=name, limit=max_pixels // 1_000_000))


def _too_large_to_decode(name: str, source: Image.Image, limits: Limits) -> UploadRefused:
    # JPEG never gets here (it decodes at a reduced scale): the way out is a smaller image or a JPEG.
    megapixels = limits.max_decoded_bytes // (decoded_bytes((1, 1), source.mode) * 1_000_000)
    return UploadRefused(413, _("%(name)s is too large to be processed: %(width)s × %(height)s pixels. Reduce it "
                                "to at most %(limit)s megapixels, or save it as JPEG, and send it again.",
                                name=name, width=format_decimal(source.width), height=format_decimal(source.height),
                                limit=megapixels))


@contextmanager
def _opened(checked: Checked, limits: Limits) -> Iterator[Image.Image]:
    """The image, its header read but its pixels not yet decoded; any failure is a refusal."""
    name = checked.display_name
    try:
        # Pillow's own bomb guard warns (or raises) on huge images: either way a refusal.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(checked.data), formats=[checked.file_type.pillow_format]) as source:
                if source.width * source.height > limits.max_pixels:
                    raise _too_many_pixels(name, limits.max_pixels)
                # JPEG decodes straight to a smaller scale (much faster, a fraction of the memory),
                # never below the size stored.
                source.draft(None, fit(source.width, source.height, MAX_SIDE))
                yield source
    except UploadRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(name, limits.max_pixels) from None
    except Exception:  # Pillow raises many types on damaged input; none may become a 500.
        raise UploadRefused(400, _("%(name)s could not be read: the image is damaged or incomplete.",
                                   name=name)) from None


def _process_image(checked: Checked, limits: Limits) -> Processed:
    with _opened(checked, limits) as source:
        # A CMYK or Lab profile would not describe the RGB pixels written below.
        icc = source.info.get("icc_profile") if source.mode in RGB_FAMILY else None
        orientation = source.getexif().get(ExifTags.Base.Orientation, 1)
        image = _clean_pixels(source, checked.file_type)
    # Turned upright once small: turning the full-size pixels would copy them all once more.
    if orientation in ORIENTATIONS:
        image = image.transpose(ORIENTATIONS[orientation])
    icc = icc if icc and len(icc) <= MAX_ICC_BYTES else None
    stored = _encode(image, checked.file_type.pillow_format, icc)
    small = image.resize(thumbnail_size(*image.size), Image.Resampling.LANCZOS, reducing_gap=3.0)
    thumbnail = _encode(small, "WEBP", icc, quality=75)
    return Processed(checked.file_type, checked.display_name, stored, thumbnail, image.width, image.height)


def _clean_pixels(image: Image.Image, file_type: FileType) -> Image.Image:
    """Resized pixels in a brand-new image: no metadata of the upload can follow."""
    if max(image.size) > MAX_SIDE:
        image = image.resize(fit(*image.size, MAX_SIDE), Image.Resampling.LANCZOS, reducing_gap=3.0)
    has_alpha = image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
        image.mode == "P" and "transparency" in image.info)
    if image.mode in ("1", "L", "I;16", "I", "F") and not has_alpha:
        mode = "L"
    elif has_alpha and file_type is not JPEG:
        mode = "RGBA"
    else:
        mode = "RGB"
    if image.mode != mode:
        image = image.convert(mode)
    return Image.frombytes(mode, image.size, image.tobytes())


def _encode(image: Image.Image, pillow_format: str, icc: bytes | None, quality: int | None = None) -> bytes:
    options: dict = {"icc_profile": icc} if icc else {}
    if pillow_format == "JPEG":
        options.update(quality=quality or 82, optimize=True, progressive=True)
    elif pillow_format == "PNG":
        options.update(optimize=True)
    else:
        options.update(quality=quality or 80, method=4)
    out = io.BytesIO()
    image.save(out, pillow_format, **options)
    return out.getvalue()


def human_size(size: int) -> str:
    """A byte count as readers say it: "850 KB", "2.4 MB" (units translated, 1 KB = 1024 bytes)."""
    if size < 1024:
        return ngettext("%(num)s byte", "%(num)s bytes", size)
    if size < 1024 * 1024:
        return _("%(size)s KB", size=format_decimal(round(size / 1024)))
    return _("%(size)s MB", size=format_decimal(round(size / (1024 * 1024), 1), format="#,##0.#"))
