"""What a run trains and measures on: MNIST, the labelled drawings (every RETRAIN_HOLDOUT_EVERY-th by submission id
held out), and the shipped pen-drawn inputs to replay when they are there."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.conf import settings

from digitsite.domain import Unavailable
from recognizer.mnist import load_mnist, mnist_path
from recognizer.pen_data import PEN_INPUTS_FILE
from submissions.training_data import labelled_digits

MNIST_MISSING = ("MNIST is not downloaded yet: retraining needs it (`python manage.py fetch_mnist`; `make run` "
                 "fetches it in the background on a first run).")


@dataclass
class TrainingSet:
    x_mnist: np.ndarray
    y_mnist: np.ndarray
    x_drawings: np.ndarray
    y_drawings: np.ndarray
    x_pen: np.ndarray
    y_pen: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    x_holdout: np.ndarray
    y_holdout: np.ndarray

    @property
    def mnist_train(self) -> int:
        return len(self.y_mnist)

    @property
    def drawings_train(self) -> int:
        return len(self.y_drawings)


def mnist_ready() -> bool:
    return mnist_path().exists()


def require_mnist() -> None:
    """Raises Unavailable("mnist_missing") until fetch_mnist has run."""
    if not mnist_ready():
        raise Unavailable("mnist_missing", MNIST_MISSING)


def pen_inputs() -> tuple[np.ndarray, np.ndarray]:
    """The shipped pen-drawn 28x28 inputs (WEIGHTS_DIR/pen_inputs.npz) to replay, or none when the file is not
    there or RETRAIN_PEN_SHARE is 0."""
    path = Path(settings.WEIGHTS_DIR) / PEN_INPUTS_FILE
    if settings.RETRAIN_PEN_SHARE <= 0 or not path.exists():
        return np.zeros((0, 28, 28), np.uint8), np.zeros(0, np.uint8)
    with np.load(path, allow_pickle=False) as z:
        return z["x"], z["y"]


def training_set() -> TrainingSet:
    """MNIST train and test from DATA_DIR, and the labelled drawings as they are in the database now."""
    mnist = load_mnist()
    x_d, y_d, ids = labelled_digits(include_visitor_labels=settings.RETRAIN_VISITOR_LABELS)
    holdout = ids % settings.RETRAIN_HOLDOUT_EVERY == 0
    x_pen, y_pen = pen_inputs()
    return TrainingSet(x_mnist=mnist["x_train"], y_mnist=mnist["y_train"].astype(np.uint8),
                       x_drawings=x_d[~holdout], y_drawings=y_d[~holdout], x_pen=x_pen, y_pen=y_pen,
                       x_test=mnist["x_test"], y_test=mnist["y_test"], x_holdout=x_d[holdout],
                       y_holdout=y_d[holdout])
