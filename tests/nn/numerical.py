"""Centred-difference gradients and the relative error the gradient-check tests hold to 1e-6."""
from typing import Callable

import numpy as np

STEP = 1e-6


def numerical_gradient(f: Callable[[], float], x: np.ndarray) -> np.ndarray:
    """d f / d x by centred differences, perturbing x in place one entry at a time (x must be float64)."""
    assert x.dtype == np.float64, "gradient checks run in float64"
    grad = np.zeros_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        saved = flat[i]
        flat[i] = saved + STEP
        up = f()
        flat[i] = saved - STEP
        down = f()
        flat[i] = saved
        gflat[i] = (up - down) / (2 * STEP)
    return grad


def relative_error(analytic: np.ndarray, numeric: np.ndarray) -> float:
    """||a - n|| / (||a|| + ||n||): scale-free, and not thrown by single entries that are nearly zero."""
    assert analytic.shape == numeric.shape
    denominator = np.linalg.norm(analytic) + np.linalg.norm(numeric)
    return float(np.linalg.norm(analytic - numeric) / max(denominator, 1e-300))
