"""Is a piece of a drawing a digit at all? A small numpy network, trained on digits (pen-drawn and MNIST) against
generated dots, scribbles, zig-zags, blobs, grids and letters (`manage.py train_digit_check`), so that a scribble
is refused instead of coming back as "0" at 63%.

The check is served from WEIGHTS_DIR/digit_check.npz; without that file every piece counts as a digit.
"""
from __future__ import annotations

import numpy as np

from .nn.model import FORMAT_VERSION, Sequential, from_architecture
from .preprocess import DrawingError
from .weights_file import WeightsFile

CHECK_FILE = "digit_check.npz"
DIGIT, NOT_A_DIGIT = 0, 1

_served = WeightsFile(CHECK_FILE)


def check_spec() -> dict:
    """conv5x5(16)+pool, conv5x5(32)+pool, dense 64, two classes: digit, not a digit."""
    return {"format": FORMAT_VERSION, "arch": "digit_check", "input_shape": [28, 28, 1], "layers": [
        {"type": "Conv2D", "c_in": 1, "c_out": 16, "kernel": 5, "padding": 2},
        {"type": "MaxPool2D", "size": 2}, {"type": "ReLU"},
        {"type": "Conv2D", "c_in": 16, "c_out": 32, "kernel": 5, "padding": 0},
        {"type": "MaxPool2D", "size": 2}, {"type": "ReLU"},
        {"type": "Flatten"},
        {"type": "Dense", "n_in": 5 * 5 * 32, "n_out": 64}, {"type": "ReLU"},
        {"type": "Dropout", "rate": 0.3},
        {"type": "Dense", "n_in": 64, "n_out": 2}]}


def build_check(seed: int = 0) -> Sequential:
    return from_architecture(check_spec(), seed=seed)


def _check() -> tuple[Sequential, float] | None:
    """The served check and its refusal threshold; None without a file."""
    served = _served.get()
    return None if served is None else (served[0], float(served[1]["refuse_at"]))


def not_a_digit_probability(inputs: np.ndarray) -> np.ndarray | None:
    """P(not a digit) for each 28x28 input, or None when no check is installed."""
    check = _check()
    if check is None:
        return None
    return check[0].predict_proba(inputs)[:, NOT_A_DIGIT]


def refuse_non_digits(inputs: np.ndarray) -> None:
    """Raises DrawingError("not_a_digit") when most pieces of a drawing are not digits."""
    check = _check()
    if check is None:
        return
    network, refuse_at = check
    odd = network.predict_proba(inputs)[:, NOT_A_DIGIT] >= refuse_at
    if odd.sum() * 2 > len(odd):
        raise DrawingError("not_a_digit", "That does not look like a number: draw digits 0 to 9.")
