"""A 4000x3000 phone photo through the upload pipeline: stored size and processing time,
relative to simply decoding the same photo, measured in the same run.

    .venv/bin/python bench/image_processing.py [--runs 5]

Prints figures only; it asserts nothing (tests/files checks what is stored).
"""
from __future__ import annotations

import argparse
import io
import statistics
import time

from PIL import Image, ImageFilter

from ent_lite.files.processing import Limits, check_and_process

SIZE = (4000, 3000)


def phone_photo() -> bytes:
    """Photo-like content (smooth light, fine texture, edges), EXIF with GPS, quality 92 as phones save."""
    width, height = SIZE
    light = Image.merge("RGB", (
        Image.linear_gradient("L").resize(SIZE),
        Image.radial_gradient("L").resize(SIZE),
        Image.linear_gradient("L").rotate(90).resize(SIZE),
    ))
    texture = Image.merge("RGB", [Image.effect_noise(SIZE, 60).filter(ImageFilter.GaussianBlur(1.2))
                                  for _ in range(3)])
    shapes = Image.effect_mandelbrot(SIZE, (-2.0, -1.2, 1.0, 1.2), 60).convert("RGB")
    photo = Image.blend(Image.blend(light, texture, 0.45), shapes, 0.3)
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x8825] = {1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 3.0)}
    out = io.BytesIO()
    photo.save(out, "JPEG", quality=92, exif=exif, comment=b"bench")
    return out.getvalue()


def median_seconds(work, runs: int) -> float:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def decode(data: bytes) -> None:
    with Image.open(io.BytesIO(data)) as image:
        image.load()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    original = phone_photo()
    limits = Limits(max_bytes=10 * 1024 * 1024, max_pixels=40_000_000)
    processed = check_and_process(original, "IMG_2041.jpg", limits)

    decode_s = median_seconds(lambda: decode(original), args.runs)
    process_s = median_seconds(lambda: check_and_process(original, "IMG_2041.jpg", limits), args.runs)

    print(f"photo: {SIZE[0]}x{SIZE[1]} JPEG (quality 92, EXIF with GPS), {len(original) / 1024:,.0f} KiB")
    print(f"stored: {processed.width}x{processed.height} JPEG, {len(processed.data) / 1024:,.0f} KiB "
          f"({len(processed.data) / len(original):.0%} of the upload); "
          f"thumbnail WebP {len(processed.thumbnail) / 1024:,.1f} KiB")
    print(f"full decode of the upload: {decode_s * 1000:,.0f} ms (median of {args.runs})")
    print(f"whole processing (check, decode, orient, resize, re-encode, thumbnail): "
          f"{process_s * 1000:,.0f} ms = {process_s / decode_s:.2f}x the full decode")


if __name__ == "__main__":
    main()
