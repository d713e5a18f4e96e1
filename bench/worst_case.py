"""The costliest drawings we can think of, read in-process through the whole path a request takes.

Run by hand: .venv/bin/python bench/worst_case.py [--repeats 3]
Each case is built as the bytes a client could send within the 2 MB body limit (cases whose base64 would not
fit are reported and skipped: the server refuses them before reading them), then timed through
decode_base64 -> recognize(), the work of POST /api/recognize/ before storing. The baseline, timed in the
same run, is one ordinary digit on a 400x400 canvas. Target: worst case <= 300 ms (median of the repeats).
"""
import argparse
import base64
import io
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")       # as in web workers
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digitsite.settings.local")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

from recognizer import synthetic_drawings as cr  # noqa: E402
from recognizer.preprocess import DrawingError, decode_base64  # noqa: E402
from recognizer.services import recognize  # noqa: E402
from support.drawings import drawing  # noqa: E402

BODY_LIMIT = 2 * 1024 * 1024


def png(ink: np.ndarray) -> bytes:
    """Black ink (ink=1) on white, as a PNG."""
    out = io.BytesIO()
    Image.fromarray(np.where(ink > 0, 0, 255).astype(np.uint8), "L").save(out, "PNG", optimize=True)
    return out.getvalue()


def dot_grid(n: int, spacing: int = 2, side: int | None = None) -> bytes:
    side = side or spacing * n + 8
    ink = np.zeros((side, side), np.uint8)
    ink[4:4 + spacing * n:spacing, 4:4 + spacing * n:spacing] = 1
    return png(ink)


def stripes(side: int, vertical: bool) -> bytes:
    ink = np.zeros((side, side), np.uint8)
    if vertical:
        ink[:, ::2] = 1
    else:
        ink[::2, :] = 1
    return png(ink)


def checkerboard(side: int, cell: int = 1) -> bytes:
    yy, xx = np.indices((side, side)) // cell
    return png(((yy + xx) % 2).astype(np.uint8))


def salt(side: int, share: float, seed: int = 0) -> bytes:
    return png((np.random.default_rng(seed).random((side, side)) < share).astype(np.uint8))


def spiral(side: int, turns: int) -> bytes:
    """One long connected stroke winding in to the centre: the longest path connected components can see."""
    t = np.linspace(0, 2 * np.pi * turns, turns * 400)
    r = (side / 2 - 4) * (1 - t / t[-1])
    pts = np.stack([side / 2 + r * np.cos(t), side / 2 + r * np.sin(t)], 1)
    ink = cr.render_number([[pts]], canvas=(side, side), rng=np.random.default_rng(0), pen_share=0.012)
    return cr.encode(ink, "png_transparent")


def big_canvas_digits(number: str, encoding: str, side: int = 4000) -> bytes:
    return drawing(number, encoding=encoding, canvas=(side, side), seed=1, pen_share=0.08)


CASES = {
    "dot grid 20x20 (320 px)": lambda: dot_grid(20, 16),
    "dot grid 40x40 (320 px, the reported 34 s)": lambda: dot_grid(40, 2, 320),
    "dot grid 100x100": lambda: dot_grid(100, 3),
    "dot grid 150x150 on 1200 px": lambda: dot_grid(150, 8),
    "horizontal stripes 320 px": lambda: stripes(320, False),
    "vertical stripes 2000 px": lambda: stripes(2000, True),
    "checkerboard 320 px": lambda: checkerboard(320),
    "checkerboard 2000 px, 4 px cells": lambda: checkerboard(2000, 4),
    "salt noise 5% 320 px": lambda: salt(320, 0.05),
    "salt noise 30% 1000 px": lambda: salt(1000, 0.3),
    "spiral, 40 turns, 1000 px": lambda: spiral(1000, 40),
    "1 digit on 4000x4000 PNG": lambda: big_canvas_digits("7", "png_transparent"),
    "8 digits on 4000x4000 PNG": lambda: big_canvas_digits("31415926", "png_transparent"),
    "8 digits on 4000x4000 JPEG": lambda: big_canvas_digits("31415926", "jpeg_white"),
    "8 digits on 4000x4000 dark PNG": lambda: big_canvas_digits("27182818", "png_dark"),
}


def time_read(raw: bytes, repeats: int) -> tuple[float, str]:
    text = base64.b64encode(raw).decode()
    times, outcome = [], ""
    for _ in range(repeats):
        started = time.perf_counter()
        try:
            outcome = recognize(decode_base64(text)).number
        except DrawingError as exc:
            outcome = exc.code
        times.append(time.perf_counter() - started)
    return statistics.median(times), outcome


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    baseline, _ = time_read(drawing("5", canvas=(400, 400)), max(args.repeats, 5))
    print(f"baseline: one digit on 400x400: {baseline * 1000:.1f} ms")
    print(f"{'case':48} {'bytes':>9} {'ms':>8} {'x base':>7}  answer")
    worst = 0.0
    for name, make in CASES.items():
        raw = make()
        if len(raw) * 4 / 3 > BODY_LIMIT:
            print(f"{name:48} {len(raw):>9} {'-':>8} {'-':>7}  over the 2 MB body limit: refused unread")
            continue
        seconds, outcome = time_read(raw, args.repeats)
        worst = max(worst, seconds)
        print(f"{name:48} {len(raw):>9} {seconds * 1000:>8.1f} {seconds / baseline:>7.1f}  {outcome}")
    print(f"worst case: {worst * 1000:.1f} ms (target <= 300 ms), {worst / baseline:.1f}x the baseline")


if __name__ == "__main__":
    main()
