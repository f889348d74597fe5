"""Photos through the upload pipeline: a 4000x3000 phone photo, and the near-limit cases that
bound what one upload may cost, each relative to simply decoding the phone photo (the
baseline, measured in the same run).

    .venv/bin/python bench/image_processing.py [--runs 3]

Prints figures only; it asserts nothing (tests/files checks what is stored and what is refused).
"""
from __future__ import annotations

import argparse
import io
import statistics
import time

from flask import Flask
from flask_babel import Babel
from PIL import Image, ImageDraw, ImageFilter

from ent_lite.files.processing import Limits, UploadRefused, check, check_and_process, process

SIZE = (4000, 3000)
LIMITS = Limits(max_bytes=10 * 1024 * 1024, max_pixels=40_000_000)


def phone_photo() -> bytes:
    """Photo-like content (smooth light, fine texture, edges), EXIF with GPS, quality 92 as phones save."""
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


def flat_image(size: tuple[int, int], mode: str, fmt: str) -> bytes:
    """A few flat shapes: a tiny file (as a crafted upload is) that decodes to its full size."""
    image = Image.new(mode, size, "steelblue")
    ImageDraw.Draw(image).rectangle((0, 0, size[0] // 2, size[1] // 2), fill="orange")
    out = io.BytesIO()
    image.save(out, fmt, **({"compress_level": 1} if fmt == "PNG" else {"quality": 85}))
    return out.getvalue()


def median_seconds(work, runs: int) -> float:
    work()  # once untimed: the first call also loads translations and codecs
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def decode(data: bytes) -> None:
    with Image.open(io.BytesIO(data)) as image:
        image.load()


def refused(data: bytes, name: str) -> None:
    try:
        check(data, name, LIMITS)
    except UploadRefused:
        return
    raise AssertionError(f"{name} was expected to be refused")


def request_of(photos: list[tuple[bytes, str]]) -> None:
    """What services.prepare_uploads does: check all, weigh them together, then process."""
    checked = [check(data, name, LIMITS) for data, name in photos]
    if sum(c.decoded_bytes for c in checked) > LIMITS.max_request_decoded_bytes:
        raise AssertionError("over the request's bound")
    for item in checked:
        process(item, LIMITS)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    app = Flask(__name__)
    Babel(app)
    original = phone_photo()
    processed = check_and_process(original, "IMG_2041.jpg", LIMITS)
    near_rgba = flat_image((5000, 5000), "RGBA", "PNG")  # 100 MB decoded: just under one photo's bound
    near_grey = flat_image((6300, 6300), "L", "PNG")  # 40 MP at one byte: under both caps
    cap_jpeg = flat_image((7300, 5470), "RGB", "JPEG")  # the 40-megapixel cap, decoded at a quarter
    over_rgba = flat_image((6300, 6300), "RGBA", "PNG")  # 159 MB decoded: refused from its header
    worst_request = [(near_rgba, f"plan-{n}.png") for n in range(3)]  # near the request's bound (300 MiB)

    decode_s = median_seconds(lambda: decode(original), args.runs)
    cases = [
        (f"phone photo {SIZE[0]}x{SIZE[1]} JPEG, {len(original) / 1024:,.0f} KiB",
         lambda: check_and_process(original, "IMG_2041.jpg", LIMITS)),
        (f"5000x5000 RGBA PNG, {len(near_rgba) / 1024:,.0f} KiB (100 MB decoded, near the bound)",
         lambda: check_and_process(near_rgba, "plan.png", LIMITS)),
        (f"6300x6300 grey PNG, {len(near_grey) / 1024:,.0f} KiB (40 MB decoded)",
         lambda: check_and_process(near_grey, "scan.png", LIMITS)),
        (f"7300x5470 JPEG, {len(cap_jpeg) / 1024:,.0f} KiB (at the pixel cap, decoded at 1/4)",
         lambda: check_and_process(cap_jpeg, "IMG_0001.jpg", LIMITS)),
        ("6300x6300 RGBA PNG (159 MB decoded): refused", lambda: refused(over_rgba, "capture.png")),
        ("one request of 3 near-bound PNGs (near the request's bound)", lambda: request_of(worst_request)),
    ]
    print(f"stored: {processed.width}x{processed.height} JPEG, {len(processed.data) / 1024:,.0f} KiB "
          f"({len(processed.data) / len(original):.0%} of the upload); "
          f"thumbnail WebP {len(processed.thumbnail) / 1024:,.1f} KiB")
    print(f"baseline, full decode of the phone photo: {decode_s * 1000:,.0f} ms (median of {args.runs})")
    with app.test_request_context():
        for label, work in cases:
            seconds = median_seconds(work, args.runs)
            print(f"{label}: {seconds * 1000:,.{0 if seconds > 0.01 else 2}f} ms = "
                  f"{seconds / decode_s:.{2 if seconds > 0.01 else 4}f}x the baseline")


if __name__ == "__main__":
    main()
