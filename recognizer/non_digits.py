"""Drawings that are not digits, as a visitor might make them: dots, scribbles, zig-zags, filled blobs, grids of
lines and letters, on canvases of every size and encoding: training data for the not-a-digit check, and its bench."""
from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from . import synthetic_drawings as cr
from .preprocess import DrawingError
from .services import digit_inputs

KINDS = ("dot", "scribble", "zigzag", "blob", "grid", "letter")

# Letters in a 1x1 box (y down) that no digit looks like, as strokes.
LETTERS = {
    "A": [[(0, 1), (0.5, 0), (1, 1)], [(0.2, 0.6), (0.8, 0.6)]],
    "E": [[(0.9, 0), (0, 0), (0, 1), (0.9, 1)], [(0, 0.5), (0.7, 0.5)]],
    "F": [[(0.9, 0), (0, 0), (0, 1)], [(0, 0.5), (0.7, 0.5)]],
    "H": [[(0, 0), (0, 1)], [(1, 0), (1, 1)], [(0, 0.5), (1, 0.5)]],
    "K": [[(0, 0), (0, 1)], [(0.9, 0), (0, 0.55), (0.9, 1)]],
    "M": [[(0, 1), (0, 0), (0.5, 0.6), (1, 0), (1, 1)]],
    "N": [[(0, 1), (0, 0), (1, 1), (1, 0)]],
    "R": [[(0, 1), (0, 0), (0.7, 0), (0.9, 0.25), (0.7, 0.5), (0, 0.5)], [(0.4, 0.5), (0.9, 1)]],
    "W": [[(0, 0), (0.25, 1), (0.5, 0.35), (0.75, 1), (1, 0)]],
    "X": [[(0, 0), (1, 1)], [(1, 0), (0, 1)]],
    "Y": [[(0, 0), (0.5, 0.5), (1, 0)], [(0.5, 0.5), (0.5, 1)]],
    "k": [[(0, 0), (0, 1)], [(0.7, 0.4), (0, 0.75), (0.7, 1)]],
    "m": [[(0, 1), (0, 0.4), (0.25, 0.3), (0.5, 0.45), (0.5, 1)], [(0.5, 0.45), (0.75, 0.3), (1, 0.4), (1, 1)]],
    "w": [[(0, 0.3), (0.2, 1), (0.5, 0.5), (0.8, 1), (1, 0.3)]],
}


def strokes_for(kind: str, rng: np.random.Generator) -> list[np.ndarray]:
    """Strokes (screen coordinates, any scale) of one non-digit of this kind; blobs and dots are one short stroke
    drawn with a wide pen by `render`."""
    if kind == "scribble":
        steps = rng.normal(0, 1, (int(rng.integers(25, 80)), 2))
        return [np.cumsum(steps, axis=0).astype(np.float32)]
    if kind == "zigzag":
        teeth = int(rng.integers(4, 11))
        xs = np.arange(teeth + 1, dtype=np.float32)
        ys = np.where(np.arange(teeth + 1) % 2, 0.0, rng.uniform(0.6, 2.5)).astype(np.float32)
        pts = np.stack([xs, ys], 1) if rng.random() < 0.7 else np.stack([ys, xs], 1)
        return [pts]
    if kind == "grid":
        rows, cols = int(rng.integers(3, 7)), int(rng.integers(3, 7))
        lines = [np.array([[0, r], [cols - 1, r]], np.float32) for r in range(rows)]
        return lines + [np.array([[c, 0], [c, rows - 1]], np.float32) for c in range(cols)]
    if kind == "letter":
        letter = LETTERS[list(LETTERS)[int(rng.integers(len(LETTERS)))]]
        width = rng.uniform(0.6, 1.1)
        return [np.array([(x * width, y) for x, y in stroke], np.float32) for stroke in letter]
    raise ValueError(kind)


def render(kind: str, rng: np.random.Generator, *, canvas: tuple[int, int] | None = None) -> np.ndarray:
    """The ink (H, W) float32 0..1 of one non-digit on a random canvas."""
    canvas = canvas or cr.random_canvas(rng)
    if kind in ("dot", "blob"):
        w, h = canvas
        big = Image.new("L", canvas, 0)
        draw = ImageDraw.Draw(big)
        side = min(w, h)
        size = rng.uniform(0.01, 0.05) * side if kind == "dot" else rng.uniform(0.1, 0.4) * side
        cx, cy = rng.uniform(size, w - size), rng.uniform(size, h - size)
        if kind == "dot":
            draw.ellipse((cx - size, cy - size, cx + size, cy + size), fill=255)
        else:
            angles = np.sort(rng.uniform(0, 2 * np.pi, int(rng.integers(5, 12))))
            radii = size * rng.uniform(0.5, 1.0, len(angles))
            draw.polygon([(cx + r * np.cos(a), cy + r * np.sin(a)) for a, r in zip(angles, radii)], fill=255)
        return np.asarray(big, np.float32) / 255
    return cr.render_number([strokes_for(kind, rng)], canvas=canvas, rng=rng)


def drawing(kind: str, rng: np.random.Generator) -> bytes:
    """A non-digit of this kind as the bytes a canvas sends, in a random encoding."""
    return cr.encode(render(kind, rng), cr.ENCODINGS[int(rng.integers(len(cr.ENCODINGS)))])


def prepared_pieces(count: int, rng: np.random.Generator) -> np.ndarray:
    """`count` 28x28 inputs (uint8) of pieces of non-digits, every kind alike, prepared as drawings are."""
    out = []
    while len(out) < count:
        kind = KINDS[len(out) % len(KINDS)]
        try:
            inputs, _, _ = digit_inputs(drawing(kind, rng))
        except DrawingError:
            continue                  # refused before any network sees it (too complex, no ink)
        out.extend(np.rint(inputs * 255).astype(np.uint8))
    return np.stack(out[:count])
