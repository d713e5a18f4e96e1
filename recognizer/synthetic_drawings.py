"""Turning pen strokes or MNIST images into the drawings a browser sends: any canvas size, position,
pen width and encoding. Used to measure the whole read path (evaluate --canvas, benches and tests)."""
from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

ENCODINGS = ("jpeg_white", "png_transparent", "png_dark", "webp_white")
SUPERSAMPLE = 3


@dataclass(frozen=True)
class PenDigits:
    """The pen-drawn development set: strokes of each sample, screen coordinates (y down)."""
    strokes: list[list[np.ndarray]]
    labels: np.ndarray
    writers: np.ndarray


def load_pendigits(path: Path) -> PenDigits:
    with np.load(path, allow_pickle=False) as f:
        points, so, sample = f["points"].astype(np.float32), f["stroke_offsets"], f["sample_offsets"]
        labels, writers = f["labels"].astype(np.int64), f["writer"].astype(np.int64)
    points[:, 1] = 500 - points[:, 1]
    strokes = [[points[so[j]:so[j + 1]] for j in range(sample[i], sample[i + 1])] for i in range(len(labels))]
    return PenDigits(strokes=strokes, labels=labels, writers=writers)


def stroke_bounds(strokes: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    allpts = np.concatenate(strokes)
    return allpts.min(axis=0), allpts.max(axis=0)


def draw_strokes(draw: ImageDraw.ImageDraw, strokes: list[np.ndarray], *, origin, height: float, pen: float) -> None:
    """Draws strokes scaled so the digit is `height` tall with its top-left at origin; round caps and joins."""
    lo, hi = stroke_bounds(strokes)
    scale = height / max(hi[1] - lo[1], 1e-6)
    r = pen / 2
    for stroke in strokes:
        pts = [(origin[0] + (x - lo[0]) * scale, origin[1] + (y - lo[1]) * scale) for x, y in stroke]
        if len(pts) > 1:
            draw.line(pts, fill=255, width=max(1, round(pen)))
        for x, y in pts:
            draw.ellipse((x - r, y - r, x + r, y + r), fill=255)


def digit_width(strokes: list[np.ndarray], height: float) -> float:
    lo, hi = stroke_bounds(strokes)
    return (hi[0] - lo[0]) * height / max(hi[1] - lo[1], 1e-6)


def render_number(samples: list[list[np.ndarray]], *, canvas: tuple[int, int], rng: np.random.Generator,
                  pen_share: float | None = None) -> np.ndarray:
    """Several pen-drawn digits side by side on one canvas, at a random size and position.

    Returns the ink (H, W) float32 0..1, anti-aliased by supersampling.
    """
    w, h = canvas
    pen_share = pen_share if pen_share is not None else rng.uniform(0.06, 0.14)
    height = rng.uniform(0.35, 0.8) * h
    gaps = [rng.uniform(0.15, 0.45) * height for _ in samples[1:]]
    widths = [max(digit_width(s, height), 1.0) for s in samples]
    total = sum(widths) + sum(gaps) + pen_share * height
    if total > 0.95 * w:                      # too wide for the canvas: draw smaller
        shrink = 0.95 * w / total
        height, widths, gaps = height * shrink, [x * shrink for x in widths], [g * shrink for g in gaps]
        total *= shrink
    pen = pen_share * height
    x0 = rng.uniform(pen, max(pen, w - total))
    y0 = rng.uniform(pen, max(pen, h - height - pen))
    big = Image.new("L", (w * SUPERSAMPLE, h * SUPERSAMPLE), 0)
    draw = ImageDraw.Draw(big)
    x = x0
    for strokes, width, gap in zip(samples, widths, gaps + [0.0]):
        draw_strokes(draw, strokes, origin=(x * SUPERSAMPLE, y0 * SUPERSAMPLE),
                     height=height * SUPERSAMPLE, pen=pen * SUPERSAMPLE)
        x += width + gap
    return np.asarray(big.resize((w, h), Image.Resampling.BOX), dtype=np.float32) / 255


def render_image_digit(image28: np.ndarray, *, canvas: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """An MNIST digit (28x28 uint8) blown up to a random size and position on a canvas."""
    w, h = canvas
    side = int(rng.uniform(0.3, 0.9) * min(w, h))
    img = Image.fromarray(image28).resize((side, side), Image.Resampling.BICUBIC)
    ink = np.zeros((h, w), np.float32)
    x0, y0 = int(rng.integers(0, w - side + 1)), int(rng.integers(0, h - side + 1))
    ink[y0:y0 + side, x0:x0 + side] = np.clip(np.asarray(img, np.float32) / 255, 0, 1)
    return ink


def encode(ink: np.ndarray, encoding: str, *, quality: int = 85) -> bytes:
    """Ink 0..1 -> the bytes a canvas would send in that encoding."""
    level = np.rint(ink * 255).astype(np.uint8)
    out = io.BytesIO()
    if encoding == "png_transparent":            # an untouched canvas: black ink, the ink in alpha
        rgba = np.zeros(ink.shape + (4,), np.uint8)
        rgba[..., 3] = level
        Image.fromarray(rgba, "RGBA").save(out, "PNG")
    elif encoding == "png_dark":                  # light ink on a dark filled canvas
        bg, fg = np.array([24, 26, 33], np.float32), np.array([250, 250, 235], np.float32)
        rgb = bg + (fg - bg) * ink[..., None]
        Image.fromarray(np.rint(rgb).astype(np.uint8), "RGB").save(out, "PNG")
    elif encoding in ("jpeg_white", "webp_white"):
        grey = 255 - level
        rgb = np.repeat(grey[..., None], 3, axis=2)
        fmt = "JPEG" if encoding == "jpeg_white" else "WEBP"
        Image.fromarray(rgb, "RGB").save(out, fmt, quality=quality)
    else:
        raise ValueError(f"unknown encoding {encoding}")
    return out.getvalue()


def random_canvas(rng: np.random.Generator) -> tuple[int, int]:
    """Canvas sizes browsers send: 280x280 up to 800x400, phones included."""
    return (int(rng.integers(280, 801)), int(rng.integers(280, 401)))
