"""What a run trains and measures on: MNIST plus labelled drawings, every RETRAIN_HOLDOUT_EVERY-th drawing (by
submission id) held out, the rest oversampled to RETRAIN_DRAWING_SHARE of an epoch."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.conf import settings

from recognizer.datasets import load_mnist
from submissions.services import labelled_digits


@dataclass
class TrainingSet:
    x_train: np.ndarray
    y_train: np.ndarray
    weights: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    x_holdout: np.ndarray
    y_holdout: np.ndarray
    mnist_train: int
    drawings_train: int


def drawing_weights(mnist: int, drawings: int) -> np.ndarray:
    """Sampling weights: MNIST digits 1 each; drawings together RETRAIN_DRAWING_SHARE of an epoch, each at
    most RETRAIN_MAX_OVERSAMPLE."""
    if drawings == 0:
        return np.ones(mnist)
    share = settings.RETRAIN_DRAWING_SHARE
    each = min(share / (1 - share) * mnist / drawings, settings.RETRAIN_MAX_OVERSAMPLE)
    return np.concatenate([np.ones(mnist), np.full(drawings, max(each, 1.0))])


def training_set() -> TrainingSet:
    """MNIST train and test from DATA_DIR, and the labelled drawings as they are in the database now."""
    mnist = load_mnist()
    x_d, y_d, ids = labelled_digits(include_visitor_labels=settings.RETRAIN_VISITOR_LABELS)
    holdout = ids % settings.RETRAIN_HOLDOUT_EVERY == 0
    train_x, train_y = x_d[~holdout], y_d[~holdout]
    return TrainingSet(x_train=np.concatenate([mnist["x_train"], train_x]),
                       y_train=np.concatenate([mnist["y_train"].astype(np.uint8), train_y]),
                       weights=drawing_weights(len(mnist["x_train"]), len(train_x)),
                       x_test=mnist["x_test"], y_test=mnist["y_test"], x_holdout=x_d[holdout],
                       y_holdout=y_d[holdout], mnist_train=len(mnist["x_train"]), drawings_train=len(train_x))
