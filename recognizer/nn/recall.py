"""Recall: a memory of labelled examples kept beside a network, which adds to a class's logit when an input is very
like a remembered example of that class (nearest neighbours in one of the network's layers, cf. the cache models
of Grave et al. 2017 and Khandelwal et al. 2020's kNN-LM).

Fine-tuning on a few hundred drawings pulls every answer near them, MNIST's among them; a memory changes only the
answers to inputs within `threshold` cosine similarity of a remembered drawing, and leaves the weights alone. It is
built, not trained: there is nothing to differentiate, so it has no backward and training never calls it.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

CLASSES = 10


def unit_rows(features: np.ndarray) -> np.ndarray:
    """Each row flattened and scaled to length 1 (a zero row stays zero)."""
    flat = features.reshape(len(features), -1)
    return flat / np.maximum(np.linalg.norm(flat, axis=1, keepdims=True), 1e-6).astype(flat.dtype)


@dataclass
class Recall:
    """`keys` (M, D): unit feature rows of the remembered examples, taken after the network's first `layer`
    layers; `labels` (M,): their classes. An input whose similarity to its nearest remembered example of class c
    is s gains weight * max(s - threshold, 0) / (1 - threshold) on logit c: nothing below the threshold, `weight`
    for an identical input."""
    keys: np.ndarray
    labels: np.ndarray
    layer: int
    threshold: float
    weight: float

    def __post_init__(self):
        if not -1 <= self.threshold < 1:
            raise ValueError(f"recall threshold {self.threshold}: a cosine similarity from -1 up to, not including, 1")

    @classmethod
    def of(cls, features: np.ndarray, labels: np.ndarray, *, layer: int, threshold: float,
           weight: float) -> "Recall":
        order = np.argsort(labels, kind="stable")            # grouped by class, for one reduce per class
        return cls(unit_rows(features)[order].astype(np.float32), np.asarray(labels)[order].astype(np.int64),
                   layer, float(threshold), float(weight))

    def nearest_by_class(self, features: np.ndarray) -> np.ndarray:
        """(N, 10): each input's highest similarity to a remembered example of each class (-1 where none)."""
        nearest = np.full((len(features), CLASSES), -1.0, np.float32)
        if len(self.labels) == 0:
            return nearest
        similarity = unit_rows(features).astype(np.float32, copy=False) @ self.keys.T                  # (N, M)
        classes, starts = np.unique(self.labels, return_index=True)
        nearest[:, classes] = np.maximum.reduceat(similarity, starts, axis=1)
        return nearest

    def bonus(self, features: np.ndarray) -> np.ndarray:
        """(N, 10) added to the logits of inputs whose features (after `layer` layers) these are."""
        closeness = np.maximum(self.nearest_by_class(features) - self.threshold, 0) / (1 - self.threshold)
        return (self.weight * closeness).astype(np.float32)

    def config(self) -> dict:
        return {"layer": self.layer, "threshold": self.threshold, "weight": self.weight, "size": len(self.labels)}

    def arrays(self) -> dict[str, np.ndarray]:
        return {"recall.keys": self.keys.astype(np.float32), "recall.labels": self.labels.astype(np.int64)}

    @classmethod
    def from_arrays(cls, config: dict, arrays) -> "Recall":
        keys, labels = np.asarray(arrays["recall.keys"], np.float32), np.asarray(arrays["recall.labels"], np.int64)
        if keys.ndim != 2 or len(keys) != len(labels) or len(labels) != config["size"]:
            raise ValueError(f"recall: {keys.shape} keys and {labels.shape} labels, config says {config['size']}")
        if labels.size and (labels.min() < 0 or labels.max() >= CLASSES or np.any(np.diff(labels) < 0)):
            raise ValueError("recall: labels must be classes 0-9 in order")
        return cls(keys, labels, int(config["layer"]), float(config["threshold"]), float(config["weight"]))
