"""Temperature scaling: one T that divides the logits so the probabilities mean what they say, and the
expected calibration error that measures how far they are from it."""
from __future__ import annotations

import numpy as np

from .losses import softmax


def nll(logits: np.ndarray, labels: np.ndarray, temperature: float = 1.0) -> float:
    """Mean negative log-likelihood of the labels under softmax(logits / temperature)."""
    z = logits.astype(np.float64) / temperature
    z -= z.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return float(-log_p[np.arange(len(labels)), labels.astype(np.int64)].mean())


def fit_temperature(logits: np.ndarray, labels: np.ndarray, *, low: float = 0.05, high: float = 20.0) -> float:
    """The T minimising NLL on held-out examples: golden-section search on log T (NLL is unimodal in T)."""
    a, b = np.log(low), np.log(high)
    ratio = (np.sqrt(5) - 1) / 2
    c, d = b - ratio * (b - a), a + ratio * (b - a)
    fc, fd = nll(logits, labels, np.exp(c)), nll(logits, labels, np.exp(d))
    for _ in range(60):
        if fc < fd:
            b, d, fd = d, c, fc
            c = b - ratio * (b - a)
            fc = nll(logits, labels, np.exp(c))
        else:
            a, c, fc = c, d, fd
            d = a + ratio * (b - a)
            fd = nll(logits, labels, np.exp(d))
    return float(np.exp((a + b) / 2))


def expected_calibration_error(probabilities: np.ndarray, labels: np.ndarray, bins: int = 15) -> float:
    """Mean |accuracy - confidence| over equal-width confidence bins, weighted by the examples in each."""
    confidence = probabilities.max(axis=1)
    right = probabilities.argmax(axis=1) == labels
    which = np.minimum((confidence * bins).astype(np.int64), bins - 1)
    total = 0.0
    for k in range(bins):
        inside = which == k
        if inside.any():
            total += inside.sum() * abs(right[inside].mean() - confidence[inside].mean())
    return float(total / max(len(labels), 1))


def calibration(logits: np.ndarray, labels: np.ndarray, temperature: float, bins: int = 15) -> dict:
    """ECE and NLL before (T = 1) and after dividing by `temperature`."""
    return {"temperature": round(temperature, 4),
            "ece_before": expected_calibration_error(softmax(logits.astype(np.float64)), labels, bins),
            "ece_after": expected_calibration_error(softmax(logits.astype(np.float64) / temperature), labels, bins),
            "nll_before": nll(logits, labels), "nll_after": nll(logits, labels, temperature)}
