"""Seeded, batched augmentation of 28x28 digits: affine warps, elastic wobble, stroke thickness, and the
flag many writers (most of Europe) put on a 1, which MNIST's mostly American 1s lack."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .thin import thin_and_redraw


@dataclass(frozen=True)
class AugmentConfig:
    rotate_deg: float = 12.0
    scale: tuple[float, float] = (0.85, 1.1)
    stretch: float = 0.12          # independent x/y scale jitter, for tall and wide writers
    shear: float = 0.25
    shift_px: float = 2.0
    elastic_px: float = 1.2        # std of a coarse 4x4 displacement field, upsampled
    thicken_p: float = 0.3
    thin_p: float = 0.15
    flag_one_p: float = 0.5        # share of 1s given a flag: a stroke down-left from the top
    redraw_p: float = 0.0          # share thinned to the centre line and redrawn with a round pen (thin.py)


def _neighbourhood(x: np.ndarray, reduce) -> np.ndarray:
    """Grey dilation (np.maximum) or erosion (np.minimum) with a 3x3 cross, on a (N, H, W) batch."""
    fill = 0 if reduce is np.maximum else 1
    p = np.pad(x, ((0, 0), (1, 1), (1, 1)), constant_values=fill)
    out = x.copy()
    for dy, dx in ((0, 1), (2, 1), (1, 0), (1, 2)):
        out = reduce(out, p[:, dy:dy + x.shape[1], dx:dx + x.shape[2]])
    return out


def change_thickness(x: np.ndarray, rng: np.random.Generator, cfg: AugmentConfig) -> np.ndarray:
    """Thickens some strokes (dilation) and thins others (partial erosion), as pens of other widths would."""
    u = rng.random(len(x))
    out = x.copy()
    thick = u < cfg.thicken_p
    thin = (u >= cfg.thicken_p) & (u < cfg.thicken_p + cfg.thin_p)
    if thick.any():
        a = rng.uniform(0.5, 1.0, thick.sum()).astype(x.dtype)[:, None, None]
        out[thick] = x[thick] + a * (_neighbourhood(x[thick], np.maximum) - x[thick])
    if thin.any():
        a = rng.uniform(0.3, 0.7, thin.sum()).astype(x.dtype)[:, None, None]
        out[thin] = x[thin] + a * (_neighbourhood(x[thin], np.minimum) - x[thin])
    return out


def _upsample_field(coarse: np.ndarray, size: int) -> np.ndarray:
    """(N, g, g) coarse displacements -> (N, size, size) by bilinear interpolation."""
    g = coarse.shape[1]
    pos = np.linspace(0, g - 1, size)
    i0 = np.minimum(pos.astype(int), g - 2)
    f = (pos - i0).astype(coarse.dtype)
    rows = coarse[:, i0, :] * (1 - f)[None, :, None] + coarse[:, i0 + 1, :] * f[None, :, None]
    return rows[:, :, i0] * (1 - f)[None, None, :] + rows[:, :, i0 + 1] * f[None, None, :]


def warp(x: np.ndarray, rng: np.random.Generator, cfg: AugmentConfig) -> np.ndarray:
    """Random affine + elastic warp of a (N, 28, 28) batch by inverse mapping and bilinear sampling."""
    n, h, w = x.shape
    theta = np.deg2rad(rng.uniform(-cfg.rotate_deg, cfg.rotate_deg, n))
    s = rng.uniform(*cfg.scale, n)
    sx = s * rng.uniform(1 - cfg.stretch, 1 + cfg.stretch, n)
    sy = s * rng.uniform(1 - cfg.stretch, 1 + cfg.stretch, n)
    sh = rng.uniform(-cfg.shear, cfg.shear, n)
    cos, sin = np.cos(theta), np.sin(theta)
    # forward map = rotation @ shear @ scale; we sample with its inverse
    a = np.stack([np.stack([cos * sx, (cos * sh - sin) * sy], -1),
                  np.stack([sin * sx, (sin * sh + cos) * sy], -1)], -2)
    inv = np.linalg.inv(a)
    shift = rng.uniform(-cfg.shift_px, cfg.shift_px, (n, 2))
    cy, cx = (h - 1) / 2, (w - 1) / 2
    yy, xx = np.meshgrid(np.arange(h) - cy, np.arange(w) - cx, indexing="ij")
    grid = np.stack([xx.ravel(), yy.ravel()])                      # (2, h*w), (x, y) rows
    src = inv @ (grid[None] - shift[:, :, None])                     # (n, 2, h*w)
    if cfg.elastic_px:
        field = _upsample_field(rng.normal(0, cfg.elastic_px, (2 * n, 4, 4)), h).reshape(n, 2, h * w)
        src = src + field
    sxp, syp = src[:, 0] + cx, src[:, 1] + cy
    x0, y0 = np.floor(sxp).astype(np.int64), np.floor(syp).astype(np.int64)
    fx, fy = (sxp - x0).astype(x.dtype), (syp - y0).astype(x.dtype)
    padded = np.pad(x, ((0, 0), (1, 2), (1, 2)))
    flat = padded.reshape(n, -1)
    pw = w + 3
    x0c, y0c = np.clip(x0 + 1, 0, w + 1), np.clip(y0 + 1, 0, h + 1)
    outside = (x0 < -1) | (x0 > w) | (y0 < -1) | (y0 > h)
    idx = y0c * pw + x0c
    v00 = np.take_along_axis(flat, idx, 1)
    v01 = np.take_along_axis(flat, idx + 1, 1)
    v10 = np.take_along_axis(flat, idx + pw, 1)
    v11 = np.take_along_axis(flat, idx + pw + 1, 1)
    out = (v00 * (1 - fx) + v01 * fx) * (1 - fy) + (v10 * (1 - fx) + v11 * fx) * fy
    out[outside] = 0
    return out.reshape(n, h, w).astype(x.dtype, copy=False)


def _segment_ink(shape: tuple[int, int], start: np.ndarray, end: np.ndarray, width: np.ndarray) -> np.ndarray:
    """Anti-aliased ink of straight strokes (one per row of start/end/width, points as (y, x))."""
    yy, xx = np.mgrid[0:shape[0], 0:shape[1]].astype(np.float32)
    p = np.stack([yy, xx], -1)[None]                                   # (1, H, W, 2)
    a, b = start[:, None, None, :], end[:, None, None, :]
    ab = b - a
    t = np.clip(((p - a) * ab).sum(-1) / np.maximum((ab * ab).sum(-1), 1e-6), 0, 1)
    dist = np.linalg.norm(p - (a + t[..., None] * ab), axis=-1)
    return np.clip(width[:, None, None] / 2 + 0.5 - dist, 0, 1)


def _recentre(x: np.ndarray) -> np.ndarray:
    """Shifts each image by whole pixels so its centre of mass is at (14, 14), as MNIST's were."""
    out = np.zeros_like(x)
    h, w = x.shape[1:]
    for i, image in enumerate(x):
        total = image.sum()
        if total == 0:
            continue
        dy = int(round(14 - (image.sum(1) * np.arange(h)).sum() / total))
        dx = int(round(14 - (image.sum(0) * np.arange(w)).sum() / total))
        src = image[max(0, -dy):h - max(0, dy), max(0, -dx):w - max(0, dx)]
        out[i, max(0, dy):max(0, dy) + src.shape[0], max(0, dx):max(0, dx) + src.shape[1]] = src
    return out


def add_flags_to_ones(x: np.ndarray, labels: np.ndarray, rng: np.random.Generator, cfg: AugmentConfig) -> np.ndarray:
    """Gives some 1s the flag of a European 1: a stroke from the top of the digit, down and to the left."""
    chosen = np.flatnonzero((labels == 1) & (rng.random(len(x)) < cfg.flag_one_p))
    if chosen.size == 0:
        return x
    out = x.copy()
    starts, ends, widths = [], [], []
    for i in chosen:
        rows = np.flatnonzero(x[i].max(1) > 0.5)
        top_cols = np.flatnonzero(x[i, rows[0]] > 0.5) if rows.size else np.array([])
        if rows.size < 5 or top_cols.size == 0:
            starts.append((0, 0)); ends.append((0, 0)); widths.append(0.0)
            continue
        height = rows[-1] - rows[0] + 1
        width_px = np.median((x[i, rows] > 0.5).sum(1))
        length = rng.uniform(0.25, 0.7) * height
        angle = np.deg2rad(rng.uniform(15, 60))
        start = np.array([rows[0] + 0.5, top_cols.mean()])
        starts.append(start)
        ends.append(start + length * np.array([np.sin(angle), -np.cos(angle)]))
        widths.append(float(np.clip(width_px, 1.5, 3.5)))
    flags = _segment_ink(x.shape[1:], np.array(starts, np.float32), np.array(ends, np.float32),
                         np.array(widths, np.float32))
    out[chosen] = _recentre(np.maximum(x[chosen], flags.astype(x.dtype)))
    return out


def augment(x: np.ndarray, rng: np.random.Generator, cfg: AugmentConfig = AugmentConfig(),
            labels: np.ndarray | None = None) -> np.ndarray:
    """A freshly augmented copy of a (N, 28, 28) float batch in 0..1; the same rng state gives the same output.

    With labels, some 1s also get a flag (see add_flags_to_ones)."""
    if cfg.redraw_p:
        chosen = np.flatnonzero(rng.random(len(x)) < cfg.redraw_p)
        if chosen.size:
            x = x.copy()
            x[chosen] = thin_and_redraw(x[chosen], rng)
    if labels is not None and cfg.flag_one_p:
        x = add_flags_to_ones(x, labels, rng, cfg)
    return np.clip(warp(change_thickness(x, rng, cfg), rng, cfg), 0, 1)
