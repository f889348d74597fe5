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
from dataclasses import dataclass

from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from PIL import Image, ImageOps

from ent_lite.files.pdf import PdfNotCleanable, clean_pdf

MAX_SIDE = 1600
THUMBNAIL_SIDE = 320
MAX_NAME_LENGTH = 120
# A colour profile is kept (colours stay right) unless it is implausibly large.
MAX_ICC_BYTES = 64 * 1024
RGB_FAMILY = ("1", "L", "LA", "P", "PA", "RGB", "RGBA", "RGBX", "I", "I;16", "F")


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


def check_and_process(data: bytes, filename: str | None, limits: Limits) -> Processed:
    """Refuse what is not accepted (UploadRefused), else the bytes to store."""
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
    name = display_name(filename, file_type)
    if file_type.pillow_format is None:
        return Processed(file_type, name, _clean_pdf(data, name))
    return _process_image(data, file_type, name, limits.max_pixels)


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


def _process_image(data: bytes, file_type: FileType, name: str, max_pixels: int) -> Processed:
    try:
        # Pillow's own bomb guard warns (or raises) on huge images: either way a refusal.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[file_type.pillow_format]) as source:
                if source.width * source.height > max_pixels:
                    raise _too_many_pixels(name, max_pixels)
                # JPEG decodes straight to a smaller scale (much faster), never below the target.
                source.draft(None, fit(source.width, source.height, MAX_SIDE))
                # A CMYK or Lab profile would not describe the RGB pixels written below.
                icc = source.info.get("icc_profile") if source.mode in RGB_FAMILY else None
                oriented = ImageOps.exif_transpose(source)
            image = _clean_pixels(oriented, file_type)
    except UploadRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(name, max_pixels) from None
    except Exception:  # Pillow raises many types on damaged input; none may become a 500.
        raise UploadRefused(400, _("%(name)s could not be read: the image is damaged or incomplete.",
                                   name=name)) from None
    icc = icc if icc and len(icc) <= MAX_ICC_BYTES else None
    stored = _encode(image, file_type.pillow_format, icc)
    small = image.resize(thumbnail_size(*image.size), Image.Resampling.LANCZOS, reducing_gap=3.0)
    thumbnail = _encode(small, "WEBP", icc, quality=75)
    return Processed(file_type, name, stored, thumbnail, image.width, image.height)


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
