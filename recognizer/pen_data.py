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


def stretch_ends(stroke: np.ndarray, rng: np.random.Generator, most: float = 0.15) -> np.ndarray:
    """The stroke's ends drawn on or cut back by up to `most` of its length each, as another writer's flag on a
    1 or bar on a 7 is a little longer or shorter. Drawn on along the direction of the stroke's last tenth."""
    if len(stroke) < 3:
        return stroke
    arc = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(stroke, axis=0), axis=1))])
    length = arc[-1]
    if length <= 0:
        return stroke
    head, tail = rng.uniform(-most, most, 2) * length       # > 0 cuts back, < 0 draws on

    def point_at(d):
        return np.array([np.interp(d, arc, stroke[:, 0]), np.interp(d, arc, stroke[:, 1])], np.float32)

    start, end = max(head, 0.0), length - max(tail, 0.0)
    inner = stroke[(arc > start) & (arc < end)]
    parts = [point_at(start)[None], inner, point_at(end)[None]]
    if head < 0:
        out = point_at(0) - point_at(0.1 * length)
        parts.insert(0, (point_at(0) - head * out / max(np.linalg.norm(out), 1e-6))[None])
    if tail < 0:
        out = point_at(length) - point_at(0.9 * length)
        parts.append((point_at(length) - tail * out / max(np.linalg.norm(out), 1e-6))[None])
    return np.concatenate(parts).astype(np.float32)


def jitter_strokes(strokes: list[np.ndarray], rng: np.random.Generator) -> list[np.ndarray]:
    """Each stroke on its own turned (+-8 degrees), scaled (+-12%) and moved (+-5% of the digit's size) about its
    centre, and its ends stretched: where one writer puts a 7's bar or a 4's open top, another puts it a little
    elsewhere. A one-stroke digit only has its ends stretched (turning it whole is jitter_shape's)."""
    allpts = np.concatenate(strokes)
    size = max(float(np.ptp(allpts, axis=0).max()), 1e-6)
    out = []
    for stroke in strokes:
        stroke = stretch_ends(stroke, rng)
        if len(strokes) > 1:
            centre = stroke.mean(axis=0)
            theta = np.deg2rad(rng.uniform(-8, 8))
            cos, sin = np.cos(theta), np.sin(theta)
            m = np.array([[cos, -sin], [sin, cos]]) * np.exp(rng.uniform(-0.12, 0.12))
            stroke = (stroke - centre) @ m.T + centre + rng.uniform(-0.05, 0.05, 2) * size
        out.append(stroke.astype(np.float32))
    return out


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


def render_pen_digit(strokes: list[np.ndarray], rng: np.random.Generator, *,
                     stroke_jitter: bool = False) -> np.ndarray:
    """One pen digit on a random canvas: size, position, pen width 5-15% of the digit's height, pressure,
    slant, rotation, aspect and sampling all drawn at random (and each stroke on its own with `stroke_jitter`).
    Ink (H, W) float32 0..1."""
    if stroke_jitter:
        strokes = jitter_strokes(strokes, rng)
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


def prepared_input(strokes: list[np.ndarray], encoding: str, rng: np.random.Generator, *,
                   stroke_jitter: bool = False) -> np.ndarray | None:
    """A rendered, encoded pen digit read back by services.digit_inputs: its 28x28 uint8 input, or None when
    the read path does not see exactly one digit in it (such a render would teach the wrong thing)."""
    ink = render_pen_digit(strokes, rng, stroke_jitter=stroke_jitter)
    raw = cr.encode(ink, encoding, quality=int(rng.integers(60, 96)))
    try:
        inputs, _, _ = digit_inputs(raw)
    except DrawingError:
        return None
    if len(inputs) != 1:
        return None
    return np.rint(inputs[0] * 255).astype(np.uint8)


def build_pen_inputs(pen: cr.PenDigits, *, writers, renders: int, seed: int, stroke_jitter: bool = False,
                     on_sample=None) -> dict[str, np.ndarray]:
    """`renders` drawings of every digit by `writers`, each in the next encoding, as x/y/writer arrays."""
    rng = np.random.default_rng(seed)
    chosen = np.flatnonzero(np.isin(pen.writers, list(writers)))
    xs, ys, ws = [], [], []
    skipped = 0
    for n, i in enumerate(chosen):
        for r in range(renders):
            encoding = cr.ENCODINGS[(n * renders + r) % len(cr.ENCODINGS)]
            x = prepared_input(pen.strokes[i], encoding, rng, stroke_jitter=stroke_jitter)
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

