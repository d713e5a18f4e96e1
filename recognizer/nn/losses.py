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


class DistillationLoss:
    """Hinton et al.'s knowledge distillation: (1 - weight) x cross-entropy against the labels, plus weight x T^2 x
    the cross-entropy of softmax(student / T) against the teacher's softmax(teacher / T) (T the temperature), so
    a student learns what its teachers (an ensemble's mean logits) know about each image beyond its label."""

    def __init__(self, weight: float, temperature: float):
        self.weight, self.temperature = weight, temperature
        self.hard = SoftmaxCrossEntropy()

    def forward(self, logits: np.ndarray, labels: np.ndarray, teacher_logits: np.ndarray) -> float:
        t = logits.dtype.type(self.temperature)
        self.soft_target = softmax(teacher_logits.astype(logits.dtype) / t)
        self.soft = softmax(logits / t)
        hard = self.hard.forward(logits, labels)
        soft = -(self.soft_target * np.log(np.maximum(self.soft, 1e-12))).sum(axis=1).mean()
        return float((1 - self.weight) * hard + self.weight * self.temperature ** 2 * soft)

    def backward(self) -> np.ndarray:
        n = self.soft.shape[0]
        soft = (self.soft - self.soft_target) * (self.weight * self.temperature / n)
        return (1 - self.weight) * self.hard.backward() + soft.astype(self.soft.dtype)
