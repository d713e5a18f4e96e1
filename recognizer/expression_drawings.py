"""Expressions drawn as a canvas sends them: pen digits, and operators either drawn by our own stroke generator
(random pens, lengths, slants and sizes; one or two strokes for + and ×, three pieces for ÷) or taken from
28x28 images (the MDAS symbols), laid out on one line. For training the operator reader, benches and tests."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw

from . import synthetic_drawings as cr

DRAWN_OPERATORS = ("+", "-", "×", "·", "÷", "/", "=")
SUPERSAMPLE = 2


@dataclass(frozen=True)
class Item:
    """One symbol to draw: pen strokes (a digit, scaled to the line's height), strokes in line units (an operator:
    y 0 is the top of the digits and 1 their bottom), or a 28x28 image (white on black) as tall as the digits."""
    symbol: str
    strokes: list[np.ndarray] | None = None
    line_strokes: list[np.ndarray] | None = None
    image: np.ndarray | None = None
    image_scale: float = 1.15       # the image's side, in digit heights (MDAS symbols are framed like MNIST digits)


def _wobbly(points, rng: np.random.Generator, wobble: float) -> np.ndarray:
    """A polyline through `points`, sampled densely and bent a little as a hand bends it."""
    pts = np.asarray(points, np.float64)
    t = np.linspace(0, 1, 12)[:, None]
    out = [a + (b - a) * t for a, b in zip(pts[:-1], pts[1:])]
    line = np.concatenate(out)
    bend = np.sin(np.linspace(0, np.pi, len(line)))[:, None] * rng.normal(0, wobble, 2)
    return (line + bend + rng.normal(0, wobble / 4, line.shape)).astype(np.float32)


def _bar(rng, cx, cy, length, angle_deg, wobble):
    a = np.deg2rad(angle_deg)
    d = np.array([np.cos(a), np.sin(a)]) * length / 2
    c = np.array([cx, cy])
    ends = [c - d, c + d] if rng.random() < 0.85 else [c + d, c - d]
    return _wobbly(ends, rng, wobble)


def _dot(rng, cx, cy, size):
    """A dot: a tap (one point) or a tiny scribble."""
    if rng.random() < 0.6:
        return np.array([[cx, cy]], np.float32)
    angles = np.linspace(0, rng.uniform(3, 7), 6)
    return np.stack([cx + size * np.cos(angles), cy + size * np.sin(angles)], 1).astype(np.float32)


def operator_strokes(symbol: str, rng: np.random.Generator) -> list[np.ndarray]:
    """One hand-drawn `symbol` of DRAWN_OPERATORS in line units (x from 0 rightwards, y down)."""
    cy = rng.uniform(0.38, 0.62)
    size = rng.uniform(0.3, 0.75)
    wobble = rng.uniform(0.0, 0.03) * size
    tilt = rng.normal(0, 6)
    if symbol == "-":
        return [_bar(rng, size / 2, cy, size, tilt, wobble)]
    if symbol == "+":
        vertical = size * rng.uniform(0.7, 1.3)
        dx, dy = rng.normal(0, 0.08, 2) * size
        return [_bar(rng, size / 2, cy, size, tilt, wobble),
                _bar(rng, size / 2 + dx, cy + dy, vertical, 90 + rng.normal(0, 8), wobble)][::rng.choice([1, -1])]
    if symbol == "×":
        spread = rng.uniform(35, 55)
        return [_bar(rng, size / 2, cy, size * 1.3, spread + tilt, wobble),
                _bar(rng, size / 2, cy, size * 1.3 * rng.uniform(0.8, 1.2), 180 - spread + tilt, wobble)]
    if symbol == "/":
        height = rng.uniform(0.6, 1.1)
        lean = rng.uniform(25, 55)
        return [_bar(rng, height * np.tan(np.deg2rad(lean)) / 2, rng.uniform(0.45, 0.55), height / np.cos(
            np.deg2rad(lean)), -(90 - lean), wobble)]
    if symbol == "·":
        return [_dot(rng, 0.02, cy, rng.uniform(0.005, 0.03))]
    if symbol == "÷":
        gap = rng.uniform(0.12, 0.3)
        dx = rng.normal(0, 0.06) * size
        return [_bar(rng, size / 2, cy, size, tilt, wobble), _dot(rng, size / 2 + dx, cy - gap, 0.015),
                _dot(rng, size / 2 - dx, cy + gap, 0.015)]
    if symbol == "=":
        gap = rng.uniform(0.08, 0.16)
        return [_bar(rng, size / 2, cy - gap, size, tilt, wobble),
                _bar(rng, size / 2 + rng.normal(0, 0.05) * size, cy + gap, size * rng.uniform(0.8, 1.2), tilt, wobble)]
    raise ValueError(f"no strokes for {symbol!r}")


def _line_extent(item: Item, height: float) -> tuple[float, float]:
    """How far the item reaches left and right of its x origin, in pixels."""
    if item.strokes is not None:
        return 0.0, cr.digit_width(item.strokes, height)
    if item.line_strokes is not None:
        xs = np.concatenate(item.line_strokes)[:, 0] * height
        return float(xs.min()), float(xs.max())
    cols = np.flatnonzero(item.image.max(axis=0) > 40)
    side = height * item.image_scale
    return cols[0] / 28 * side, (cols[-1] + 1) / 28 * side


def render_expression(items: list[Item], *, canvas: tuple[int, int], rng: np.random.Generator,
                      pen_share: float | None = None) -> tuple[np.ndarray, list[tuple[float, float, float, float]]]:
    """The items side by side on one line at a random size and position: the ink (H, W) float32 0..1 and each
    item's box (left, top, right, bottom) in canvas pixels, where its strokes are."""
    w, h = canvas
    pen_share = pen_share if pen_share is not None else rng.uniform(0.06, 0.14)
    height = rng.uniform(0.3, 0.6) * h
    gaps = [rng.uniform(0.15, 0.45) for _ in items[1:]] + [0.0]      # as synthetic_drawings.render_number spaces digits
    extents = [_line_extent(item, height) for item in items]
    total = sum(r - left for left, r in extents) + sum(gaps) * height + 2 * pen_share * height
    shrink = min(1.0, 0.95 * w / total)
    height *= shrink
    extents = [(left * shrink, r * shrink) for left, r in extents]
    pen = pen_share * height
    x = rng.uniform(pen, max(pen, w - total * shrink))
    y0 = rng.uniform(pen, max(pen, h - height - pen))
    big = Image.new("L", (w * SUPERSAMPLE, h * SUPERSAMPLE), 0)
    draw = ImageDraw.Draw(big)
    boxes = []
    for item, (left, right), gap in zip(items, extents, gaps):
        origin = x - left
        if item.strokes is not None:
            cr.draw_strokes(draw, item.strokes, origin=(origin * SUPERSAMPLE, y0 * SUPERSAMPLE),
                            height=height * SUPERSAMPLE, pen=pen * SUPERSAMPLE)
            boxes.append((x, y0, x + right - left, y0 + height))
        elif item.line_strokes is not None:
            strokes = [np.array([[origin, y0]]) + s * height for s in item.line_strokes]
            _draw_line_strokes(draw, [s * SUPERSAMPLE for s in strokes], pen=pen * SUPERSAMPLE)
            pts = np.concatenate(strokes)
            boxes.append((pts[:, 0].min() - pen / 2, pts[:, 1].min() - pen / 2,
                          pts[:, 0].max() + pen / 2, pts[:, 1].max() + pen / 2))
        else:
            side = height * item.image_scale
            top = y0 + height / 2 - side / 2
            glyph = Image.fromarray(item.image).resize((round(side * SUPERSAMPLE),) * 2, Image.Resampling.BICUBIC)
            big.paste(glyph, (round(origin * SUPERSAMPLE), round(top * SUPERSAMPLE)), glyph)
            rows, cols = np.flatnonzero(item.image.max(1) > 40), np.flatnonzero(item.image.max(0) > 40)
            boxes.append((origin + cols[0] / 28 * side, top + rows[0] / 28 * side,
                          origin + (cols[-1] + 1) / 28 * side, top + (rows[-1] + 1) / 28 * side))
        x += right - left + gap * height
    return np.asarray(big.resize((w, h), Image.Resampling.BOX), dtype=np.float32) / 255, boxes


def _draw_line_strokes(draw: ImageDraw.ImageDraw, strokes: list[np.ndarray], *, pen: float) -> None:
    """Strokes already in canvas pixels, with round caps and joins (a single point is a dot)."""
    r = pen / 2
    for stroke in strokes:
        pts = [tuple(p) for p in stroke]
        if len(pts) > 1:
            draw.line(pts, fill=255, width=max(1, round(pen)))
        for x, y in pts:
            draw.ellipse((x - r, y - r, x + r, y + r), fill=255)
