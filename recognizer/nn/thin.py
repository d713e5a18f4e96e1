"""Digits thinned to their centre line (Zhang-Suen, vectorised over a batch) and redrawn with a round pen of
another width: MNIST strokes as a canvas pen would have made them."""
from __future__ import annotations

import numpy as np


def _neighbours(m: np.ndarray) -> list[np.ndarray]:
    """P2..P9 of every pixel of a (N, H, W) 0/1 batch: north, then clockwise."""
    p = np.pad(m, ((0, 0), (1, 1), (1, 1)))
    h, w = m.shape[1:]
    at = lambda dy, dx: p[:, 1 + dy:1 + dy + h, 1 + dx:1 + dx + w]   # noqa: E731
    return [at(-1, 0), at(-1, 1), at(0, 1), at(1, 1), at(1, 0), at(1, -1), at(0, -1), at(-1, -1)]


def zhang_suen(mask: np.ndarray, max_iterations: int = 50) -> np.ndarray:
    """The 1-pixel-wide skeleton of each (N, H, W) boolean image (Zhang and Suen, CACM 1984)."""
    m = mask.astype(np.uint8)
    for _ in range(max_iterations):
        changed = False
        for step in (0, 1):
            n = _neighbours(m)
            b = sum(n)
            a = sum(((n[i] == 0) & (n[(i + 1) % 8] == 1)) for i in range(8))
            p2, p4, p6, p8 = n[0], n[2], n[4], n[6]
            if step == 0:
                c, d = p2 * p4 * p6, p4 * p6 * p8
            else:
                c, d = p2 * p4 * p8, p2 * p6 * p8
            delete = (m == 1) & (b >= 2) & (b <= 6) & (a == 1) & (c == 0) & (d == 0)
            if delete.any():
                m = m & ~delete
                changed = True
        if not changed:
            break
    return m.astype(bool)


def redraw(skeleton: np.ndarray, widths: np.ndarray) -> np.ndarray:
    """Ink (N, H, W) float32 of a round pen of widths[i] pixels run along each skeleton, anti-aliased."""
    n, h, w = skeleton.shape
    reach = int(np.ceil(widths.max() / 2 + 0.5))
    padded = np.pad(skeleton, ((0, 0), (reach, reach), (reach, reach))).astype(np.float32)
    half = (widths.astype(np.float32) / 2 + 0.5)[:, None, None]
    out = np.zeros((n, h, w), np.float32)
    for dy in range(-reach, reach + 1):
        for dx in range(-reach, reach + 1):
            cover = np.clip(half - np.hypot(dy, dx), 0, 1)
            shifted = padded[:, reach + dy:reach + dy + h, reach + dx:reach + dx + w]
            np.maximum(out, shifted * cover, out=out)
    return out


def thin_and_redraw(x: np.ndarray, rng: np.random.Generator, width: tuple[float, float] = (1.5, 3.5)) -> np.ndarray:
    """(N, 28, 28) digits in 0..1 -> their centre lines redrawn with a round pen of a random width each."""
    return redraw(zhang_suen(x > 0.5), rng.uniform(*width, len(x))).astype(x.dtype, copy=False)
