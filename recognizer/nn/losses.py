"""Softmax cross-entropy, the loss every model here trains with."""
from __future__ import annotations

import numpy as np


def softmax(logits: np.ndarray) -> np.ndarray:
    z = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


class SoftmaxCrossEntropy:
    """Mean cross-entropy of softmax(logits) against integer labels (optionally weighted per example)."""

    def forward(self, logits: np.ndarray, labels: np.ndarray, weights: np.ndarray | None = None) -> float:
        n = logits.shape[0]
        self.probs = softmax(logits)
        self.labels = labels
        w = np.ones(n, dtype=logits.dtype) if weights is None else weights.astype(logits.dtype)
        self.weights = w / w.sum()
        picked = self.probs[np.arange(n), labels]
        return float(-(self.weights * np.log(np.maximum(picked, 1e-12))).sum())

    def backward(self) -> np.ndarray:
        n = self.probs.shape[0]
        d = self.probs.copy()
        d[np.arange(n), self.labels] -= 1
        return d * self.weights[:, None]
