"""Pen-drawn digits as training data: which writers train and which only measure, and the training writers'
digits rendered as varied canvas drawings and prepared by the real read path (the shipped weights/pen_inputs.npz).

Source: UCI Pen-Based Recognition of Handwritten Digits (E. Alpaydin, F. Alimoglu), CC BY 4.0.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from . import synthetic_drawings as cr
from digitsite.hashing import sha256_of
from .preprocess import DrawingError
from .services import digit_inputs

TRAIN_WRITERS = range(1, 21)       # may train the shipped weights (and be split into tuning folds)
MEASURE_WRITERS = range(21, 31)    # never train anything; every reported figure is on these
PEN_INPUTS_FILE = "pen_inputs.npz"
ATTRIBUTION = ("UCI Pen-Based Recognition of Handwritten Digits (E. Alpaydin, F. Alimoglu), CC BY 4.0, "
               "https://archive.ics.uci.edu/dataset/81")
SUPERSAMPLE = 2


def parse_writers(text: str) -> list[int]:
    """'17-20' or '1,3,5-7' -> [17, 18, 19, 20] / [1, 3, 5, 6, 7]."""
    writers: list[int] = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        lo, _, hi = part.partition("-")
        writers.extend(range(int(lo), int(hi or lo) + 1))
    return sorted(set(writers))


def writers_text(writers) -> str:
    """[1, 2, 3, 7] -> '1-3,7'."""
    writers, runs = sorted(set(int(w) for w in writers)), []
    for w in writers:
        if runs and w == runs[-1][1] + 1:
            runs[-1][1] = w
        else:
            runs.append([w, w])
    return ",".join(f"{a}-{b}" if a != b else f"{a}" for a, b in runs)


def resample(stroke: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Re-times a polyline sampled at fixed intervals (points spaced by pen speed), as another device would:
    denser or sparser by a random factor, interpolated along the point index so speed still sets the spacing."""
    n = len(stroke)
    if n < 3:
        return stroke
    count = max(2, int(round((n - 1) * rng.uniform(0.5, 2.5))) + 1)
    t = np.linspace(0, n - 1, count)
    i0 = np.minimum(t.astype(int), n - 2)
    f = (t - i0)[:, None]
    return (stroke[i0] * (1 - f) + stroke[i0 + 1] * f).astype(np.float32)


def jitter_shape(strokes: list[np.ndarray], rng: np.random.Generator) -> list[np.ndarray]:
    """Slant (shear), rotation and aspect ratio of a writer's hand, in screen coordinates (y down)."""
    allpts = np.concatenate(strokes)
    centre = (allpts.min(0) + allpts.max(0)) / 2
    theta = np.deg2rad(rng.uniform(-10, 10))
    shear = rng.uniform(-0.3, 0.3)
    aspect = np.exp(rng.uniform(-0.2, 0.2))
    cos, sin = np.cos(theta), np.sin(theta)
    m = np.array([[cos, -sin], [sin, cos]]) @ np.array([[aspect, shear], [0.0, 1.0]])
    return [((resample(s, rng) - centre) @ m.T + centre).astype(np.float32) for s in strokes]


def draw_pressed_strokes(draw: ImageDraw.ImageDraw, strokes: list[np.ndarray], *, origin, height: float,
                         pen: float, rng: np.random.Generator) -> None:
    """Like synthetic_drawings.draw_strokes, with the width swelling and thinning along each stroke (pen pressure)."""
    lo, hi = cr.stroke_bounds(strokes)
    scale = height / max(hi[1] - lo[1], 1e-6)
    swing = rng.uniform(0, 0.35)
    for stroke in strokes:
        pts = (stroke - lo) * scale + np.asarray(origin, np.float32)
        phase, freq = rng.uniform(0, 2 * np.pi), rng.uniform(0.1, 0.6)
        widths = pen * (1 + swing * np.sin(phase + freq * np.arange(len(pts))))
        for (a, b, w) in zip(pts[:-1], pts[1:], (widths[:-1] + widths[1:]) / 2):
            draw.line([tuple(a), tuple(b)], fill=255, width=max(1, round(w)))
        for (x, y), w in zip(pts, widths):
            r = w / 2
            draw.ellipse((x - r, y - r, x + r, y + r), fill=255)


def render_pen_digit(strokes: list[np.ndarray], rng: np.random.Generator) -> np.ndarray:
    """One pen digit on a random canvas: size, position, pen width 5-15% of the digit's height, pressure,
    slant, rotation, aspect and sampling all drawn at random. Ink (H, W) float32 0..1."""
    strokes = jitter_shape(strokes, rng)
    w, h = int(rng.integers(200, 801)), int(rng.integers(200, 451))
    height = rng.uniform(0.3, 0.85) * h
    pen = rng.uniform(0.05, 0.15) * height
    width = cr.digit_width(strokes, height)
    if width + 2 * pen > 0.95 * w:
        shrink = 0.95 * w / (width + 2 * pen)
        height, width, pen = height * shrink, width * shrink, pen * shrink
    x0 = rng.uniform(pen, max(pen, w - width - pen))
    y0 = rng.uniform(pen, max(pen, h - height - pen))
    big = Image.new("L", (w * SUPERSAMPLE, h * SUPERSAMPLE), 0)
    draw_pressed_strokes(ImageDraw.Draw(big), strokes, origin=(x0 * SUPERSAMPLE, y0 * SUPERSAMPLE),
                         height=height * SUPERSAMPLE, pen=pen * SUPERSAMPLE, rng=rng)
    return np.asarray(big.resize((w, h), Image.Resampling.BOX), dtype=np.float32) / 255


def prepared_input(strokes: list[np.ndarray], encoding: str, rng: np.random.Generator) -> np.ndarray | None:
    """A rendered, encoded pen digit read back by services.digit_inputs: its 28x28 uint8 input, or None when
    the read path does not see exactly one digit in it (such a render would teach the wrong thing)."""
    raw = cr.encode(render_pen_digit(strokes, rng), encoding, quality=int(rng.integers(60, 96)))
    try:
        inputs, _, _ = digit_inputs(raw)
    except DrawingError:
        return None
    if len(inputs) != 1:
        return None
    return np.rint(inputs[0] * 255).astype(np.uint8)


def build_pen_inputs(pen: cr.PenDigits, *, writers, renders: int, seed: int,
                     on_sample=None) -> dict[str, np.ndarray]:
    """`renders` drawings of every digit by `writers`, each in the next encoding, as x/y/writer arrays."""
    rng = np.random.default_rng(seed)
    chosen = np.flatnonzero(np.isin(pen.writers, list(writers)))
    xs, ys, ws = [], [], []
    skipped = 0
    for n, i in enumerate(chosen):
        for r in range(renders):
            x = prepared_input(pen.strokes[i], cr.ENCODINGS[(n * renders + r) % len(cr.ENCODINGS)], rng)
            if x is None:
                skipped += 1
                continue
            xs.append(x)
            ys.append(pen.labels[i])
            ws.append(pen.writers[i])
        if on_sample:
            on_sample(n + 1, len(chosen))
    return {"x": np.stack(xs), "y": np.array(ys, np.uint8), "writer": np.array(ws, np.int16),
            "skipped": np.array(skipped)}


def save_pen_inputs(arrays: dict[str, np.ndarray], path: Path) -> str:
    """Writes the compressed file and returns its sha256."""
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, x=arrays["x"], y=arrays["y"], writer=arrays["writer"],
                        source=np.array(ATTRIBUTION))
    return sha256_of(path)


def load_pen_inputs(path: Path, *, writers=None, exclude_writers=()) -> dict[str, np.ndarray]:
    """The shipped pen inputs (x uint8 (N, 28, 28), y, writer), optionally only some writers'."""
    with np.load(path, allow_pickle=False) as f:
        x, y, w = f["x"], f["y"].astype(np.int64), f["writer"].astype(np.int64)
    keep = np.ones(len(y), bool)
    if writers is not None:
        keep &= np.isin(w, list(writers))
    if exclude_writers:
        keep &= ~np.isin(w, list(exclude_writers))
    return {"x": x[keep], "y": y[keep], "writer": w[keep]}

