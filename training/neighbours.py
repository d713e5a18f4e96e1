"""The MNIST digits a fine-tuning run is most likely to unsettle: for each labelled drawing, the MNIST train digits
of other classes that the active network sees as nearest to it (cosine similarity in its last hidden layer).
Learning a drawing pulls the answers around it toward the drawing's label; replaying these neighbours, with the
active network's answers as targets, keeps their answers where they were (cf. Aljundi et al. 2019, "maximally
interfered retrieval")."""
from __future__ import annotations

import numpy as np

from recognizer.nn.model import Sequential
from recognizer.nn.recall import unit_rows
from recognizer.nn.train import to_float


def hidden_features(model: Sequential, images: np.ndarray) -> np.ndarray:
    """What the last layer sees (N, hidden) for uint8 images (N, 28, 28), each row scaled to length 1."""
    return unit_rows(model.predict_hidden(to_float(images)))


def interfered_digits(model: Sequential, x_drawings: np.ndarray, y_drawings: np.ndarray, x_mnist: np.ndarray,
                      y_mnist: np.ndarray, k: int, chunk: int = 256) -> np.ndarray:
    """Indices into x_mnist (sorted, each once) of the k digits of another class nearest to each drawing."""
    if k <= 0 or len(y_drawings) == 0:
        return np.zeros(0, np.int64)
    mnist = hidden_features(model, x_mnist)
    drawings = hidden_features(model, x_drawings)
    k = min(k, len(y_mnist) - 1)
    chosen = []
    for i in range(0, len(drawings), chunk):
        similarity = drawings[i:i + chunk] @ mnist.T                        # (chunk, N mnist)
        similarity[y_drawings[i:i + chunk, None] == y_mnist[None, :]] = -np.inf
        chosen.append(np.argpartition(-similarity, k - 1, axis=1)[:, :k].ravel())
    return np.unique(np.concatenate(chosen))
