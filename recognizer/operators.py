"""Is a piece of a drawing an operator, and which? A small numpy network beside the digit reader: it sees the 28x28
input and where the piece sits on the line (height, width, how far above or below the digits' middle, how filled
its box is), and answers "digit" or one of the operator classes. The digit reader (weights/cnn.npz) is untouched.

Served like a digit reader (serving.py): the active ModelVersion of arch "operators", at first the shipped
WEIGHTS_DIR/operators.npz (`manage.py train_operators`), later one a retraining run promoted (training/operator_run.py).
Without any, nothing is an operator, so every drawing is read as a plain number exactly as before.
"""
from __future__ import annotations

import numpy as np

from . import serving
from .models import OPERATORS_ARCH
from .nn.model import FORMAT_VERSION, Sequential, from_architecture
from .segment import Piece
from .segment_symbols import Line

OPERATOR_FILE = f"{OPERATORS_ARCH}.npz"
CLASSES = ("digit", "+", "-", "×", "·", "÷", "/", "=")
DIGIT = 0
# The symbol each class stands for in an expression: a raised dot multiplies, a slash divides.
MEANS = {"+": "+", "-": "-", "×": "×", "·": "×", "÷": "÷", "/": "÷", "=": "="}
GEOMETRY = 4


def operator_spec(arch: str = "mlp", hidden: int = 256, dropout: float = 0.2) -> dict:
    """mlp: 784 pixels + the geometry -> hidden -> hidden/2 -> the classes. cnn: the 28x28 input with the geometry as
    four more constant channels, conv5x5(16)+pool, conv5x5(32)+pool, dense hidden/2 -> the classes."""
    if arch == "cnn":
        return {"format": FORMAT_VERSION, "arch": "operators-cnn", "input_shape": [28, 28, 1 + GEOMETRY], "layers": [
            {"type": "Conv2D", "c_in": 1 + GEOMETRY, "c_out": 16, "kernel": 5, "padding": 2},
            {"type": "MaxPool2D", "size": 2}, {"type": "ReLU"},
            {"type": "Conv2D", "c_in": 16, "c_out": 32, "kernel": 5, "padding": 0},
            {"type": "MaxPool2D", "size": 2}, {"type": "ReLU"},
            {"type": "Flatten"},
            {"type": "Dense", "n_in": 5 * 5 * 32, "n_out": hidden // 2}, {"type": "ReLU"},
            {"type": "Dropout", "rate": dropout},
            {"type": "Dense", "n_in": hidden // 2, "n_out": len(CLASSES)}]}
    n_in = 784 + GEOMETRY
    return {"format": FORMAT_VERSION, "arch": "operators", "input_shape": [n_in], "layers": [
        {"type": "Dense", "n_in": n_in, "n_out": hidden}, {"type": "ReLU"},
        {"type": "Dropout", "rate": dropout},
        {"type": "Dense", "n_in": hidden, "n_out": hidden // 2}, {"type": "ReLU"},
        {"type": "Dense", "n_in": hidden // 2, "n_out": len(CLASSES)}]}


def build_reader(arch: str = "mlp", seed: int = 0) -> Sequential:
    return from_architecture(operator_spec(arch), seed=seed)


def geometry(piece: Piece, line: Line, ink: np.ndarray) -> np.ndarray:
    """Where a piece sits on its line, in units of the digits' height: its height, width, the offset of its
    middle from the digits' middle (negative above), and the share of its box that is ink."""
    size = max(line.height, 1.0)
    middle = (piece.top + piece.bottom) / 2
    fill = float((ink >= 0.35).sum()) / max(1, piece.width * piece.height)
    return np.clip(np.array([piece.height / size, piece.width / size, (middle - line.middle) / size, fill],
                            np.float32), -2, 3)


def features(network: Sequential, inputs: np.ndarray, geometries: np.ndarray) -> np.ndarray:
    """The network's input: for the mlp, rows of the 28x28 inputs flattened and then the geometry; for the cnn, the
    inputs with the geometry as constant channels."""
    n = len(inputs)
    geometries = geometries.reshape(n, GEOMETRY).astype(np.float32)
    if len(network.input_shape) == 3:
        planes = np.broadcast_to(geometries[:, None, None, :], (n, 28, 28, GEOMETRY))
        return np.concatenate([inputs.reshape(n, 28, 28, 1).astype(np.float32), planes], axis=3)
    return np.concatenate([inputs.reshape(n, 784).astype(np.float32), geometries], axis=1)


def served() -> serving.LoadedModel | None:
    """The served operator reader (the active version, rechecked as the digit reader is), or None when there is none."""
    try:
        return serving.get_model(OPERATORS_ARCH)
    except serving.ModelUnavailable:
        return None


def operator_probabilities(inputs: np.ndarray, geometries: np.ndarray) -> np.ndarray | None:
    """P(class) for each piece (N, len(CLASSES)), or None when no operator reader is installed."""
    reader = served()
    if reader is None:
        return None
    return reader.predict_proba(features(reader.network, inputs, geometries))


BINARY = [CLASSES.index(c) for c in ("+", "-", "×", "·", "÷", "/")]
SIGN, EQUALS = CLASSES.index("-"), CLASSES.index("=")
# The likeliest well-formed reading replaces the likeliest reading when at least this likely relative to it: a "+"
# drawn at the end stays a dangling "+", while a slanted 1 half taken for a "/" in "/7" is read as the 1 of 17.
WELL_FORMED_RATIO = 0.01


def symbol_classes(probabilities: np.ndarray) -> np.ndarray:
    """The class of each symbol (DIGIT or an operator class): the likeliest reading that is a well-formed expression
    (numbers between operators, a leading minus, a trailing =) when it is at least WELL_FORMED_RATIO as likely as
    the likeliest reading of each symbol alone, else that one (and the expression will name its problem)."""
    logp = np.log(np.maximum(probabilities, 1e-12))
    alone = logp.argmax(axis=1)
    well_formed, score = _likeliest_well_formed(logp)
    if well_formed is not None and score - logp.max(axis=1).sum() >= np.log(WELL_FORMED_RATIO):
        return well_formed
    return alone


def _likeliest_well_formed(logp: np.ndarray) -> tuple[np.ndarray | None, float]:
    """Viterbi over the states "after a digit", "after an operator", "after the =": the best classes and score."""
    n = len(logp)
    binary = logp[:, BINARY].max(axis=1)
    binary_class = np.array(BINARY)[logp[:, BINARY].argmax(axis=1)]
    after_digit, after_operator, after_equals = logp[0, DIGIT], logp[0, SIGN], -np.inf
    back = []                  # per symbol from the second: (best previous state for "digit", for "operator")
    for i in range(1, n):
        digit_from = 0 if after_digit >= after_operator else 1
        back.append(digit_from)
        after_digit, after_operator, after_equals = (
            max(after_digit, after_operator) + logp[i, DIGIT], after_digit + binary[i],
            after_digit + logp[i, EQUALS] if i == n - 1 else -np.inf)
    score = max(after_digit, after_equals)
    if not np.isfinite(score):
        return None, score
    classes = np.zeros(n, int)
    state = 0 if after_digit >= after_equals else 2
    for i in range(n - 1, -1, -1):
        if state == 2:
            classes[i], state = EQUALS, 0
        elif state == 1:
            classes[i], state = (binary_class[i] if i else SIGN), 0
        else:
            classes[i] = DIGIT
            state = back[i - 1] if i else 0
    return classes, float(score)


def accepts(probabilities: np.ndarray, where: str) -> bool:
    """A short mark or a dot stays a symbol of its own when the reader finds it more likely an operator than not,
    and one that can stand there: at the start of the line only a minus (a sign), at its end only an =, and alone
    nothing (a mark dangling beside a digit is more often a piece of it than an operator left hanging)."""
    if where == "first":
        return float(probabilities[SIGN]) >= 0.5
    if where == "last":
        return float(probabilities[EQUALS]) >= 0.5
    return where == "between" and float(probabilities[DIGIT]) < 0.5
