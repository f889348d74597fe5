"""Test files made on the spot: photos with metadata, hand-made headers, other file types."""
from __future__ import annotations

import io
import struct
import zlib
from functools import cache

from PIL import Image, ImageDraw
from PIL.PngImagePlugin import PngInfo

GPS_IFD = 0x8825
ORIENTATION = 0x0112
XMP = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
       b'<rdf:Description xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" photoshop:City="Lyon-XMP-CITY"/>'
       b"</rdf:RDF></x:xmpmeta>")
COMMENT = b"taken at 12 rue des Lilas - COMMENT-MARKER"
CAMERA = "CAMERA-MAKER-MARKER"


def exif_with_gps(orientation: int = 6) -> Image.Exif:
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[0x010F] = CAMERA  # Make
    exif[GPS_IFD] = {1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 3.0)}
    return exif


def quadrant_image(size: tuple[int, int], mode: str = "RGB") -> Image.Image:
    """Red top-left quadrant on a soft gradient: where red ends up tells the orientation."""
    width, height = size
    image = Image.linear_gradient("L").resize(size).convert(mode)
    ImageDraw.Draw(image).rectangle((0, 0, width // 2, height // 2), fill="red")
    return image


def encode(image: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


@cache
def camera_jpeg(size: tuple[int, int] = (4000, 3000)) -> bytes:
    """A phone photo lying on its side (orientation 6) with GPS EXIF, XMP and a comment."""
    return encode(quadrant_image(size), "JPEG", quality=90, exif=exif_with_gps(), xmp=XMP, comment=COMMENT)


def png_with_metadata(size=(800, 600), mode="RGBA") -> bytes:
    info = PngInfo()
    info.add_text("Comment", COMMENT.decode())
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    return encode(quadrant_image(size, mode), "PNG", pnginfo=info, exif=exif_with_gps(orientation=1))


def webp_with_metadata(size=(800, 600)) -> bytes:
    return encode(quadrant_image(size), "WEBP", exif=exif_with_gps(orientation=1), xmp=XMP)


def small_jpeg(size=(64, 48)) -> bytes:
    return encode(quadrant_image(size), "JPEG")


def png_claiming(width: int, height: int) -> bytes:
    """A tiny valid 1x1 PNG whose header claims another size: refused before any decoding."""
    data = bytearray(encode(Image.new("L", (1, 1)), "PNG"))
    ihdr = 8 + 8  # signature, then length and type of the first chunk
    data[ihdr:ihdr + 8] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(data[12:ihdr + 13]))
    data[ihdr + 13:ihdr + 17] = struct.pack(">I", crc)
    return bytes(data)


# One blank page, written by hand (no cross-reference table: readers rebuild it, as qpdf does).
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n" \
      b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 57
WINDOWS_EXE = b"MZ\x90\x00\x03" + b"\x00" * 59


def pdf_of_size(size: int) -> bytes:
    """A one-page PDF of about ``size`` bytes: a long uncompressed page (the rewrite keeps streams as they are)."""
    text = b"BT /F1 10 Tf 20 20 Td (" + b"x" * max(0, size - 420) + b") Tj ET"
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
            b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]/Contents 4 0 R>>endobj\n"
            b"4 0 obj<</Length " + str(len(text)).encode() + b">>stream\n" + text + b"\nendstream endobj\n"
            b"trailer<</Root 1 0 R>>\n%%EOF\n")


PNG_COLOUR_TYPES = {"L": 0, "RGB": 2, "RGBA": 6}


def png_header(width: int, height: int, mode: str = "RGBA") -> bytes:
    """A PNG that says it has width × height pixels of ``mode`` but carries almost no data:
    refused from its header alone, or else reported as damaged once decoding starts."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, PNG_COLOUR_TYPES[mode], 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
            + chunk(b"IEND", b""))
