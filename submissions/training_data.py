"""What retraining learns from labelled drawings: the digits for the digit reader, and every symbol with where it
sat on the line for the operator reader. A drawing counts when its current label (staff only, unless
`include_visitor_labels`) is not excluded and has as many symbols as were segmented, so they pair up."""
from __future__ import annotations

import numpy as np
from django.db.models import F
from django.db.models.functions import Length

from recognizer import operators
from recognizer.services import SYMBOL_CLASSES

from .models import Submission

OPERATOR_OFFSET = SYMBOL_CLASSES.index(operators.CLASSES[1])    # where the operator classes start in probabilities


def _labelled(include_visitor_labels: bool):
    """(submission, label) of every drawing whose label pairs up with its symbols, in submission id order."""
    value = "current_value" if include_visitor_labels else "staff_value"
    labelled = (Submission.objects.with_labels()
                .filter(**{f"{value}__isnull": False}, current_excluded=False)
                .alias(label_length=Length(value)).filter(label_length=F("digit_count"))
                .order_by("id").only("id", "inputs", "digit_count", "digits"))
    for submission in labelled.iterator(chunk_size=500):
        yield submission, getattr(submission, value)


def labelled_digits(*, include_visitor_labels: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The digit reader's data: inputs uint8 (N, 28, 28), labels uint8 (N,), submission ids int64 (N,), one row per
    digit (of an expression only the digits: the operators are not the digit reader's to learn)."""
    inputs, symbols, ids = labelled_symbols(include_visitor_labels=include_visitor_labels, digits=True)
    return inputs, symbols.astype(np.uint8), ids


def labelled_symbols(*, include_visitor_labels: bool, digits: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """As labelled_digits, the digits (`digits`) or else the operators of labelled expressions, labels as text."""
    inputs, labels, ids = [], [], []
    for submission, label in _labelled(include_visitor_labels):
        keep = [i for i, ch in enumerate(label) if ch.isdigit() == digits]
        inputs.append(submission.input_bytes()[keep])
        labels.append(np.array([label[i] for i in keep], dtype="<U1"))
        ids.append(np.full(len(keep), submission.pk, dtype=np.int64))
    if not inputs:
        return np.zeros((0, 28, 28), np.uint8), np.zeros(0, "<U1"), np.zeros(0, np.int64)
    return np.concatenate(inputs), np.concatenate(labels), np.concatenate(ids)


def operator_class(symbol: str, probabilities: list[float] | None) -> int:
    """The operator reader's class for a labelled symbol: DIGIT for a digit; for an operator, of the classes that mean
    it (× is drawn as × or as a raised ·, ÷ as ÷ or /) the one the reading found likeliest, so a dot stays a dot."""
    if symbol.isdigit():
        return operators.DIGIT
    meaning = [k for k, name in enumerate(operators.CLASSES) if k and operators.MEANS[name] == symbol]
    if probabilities is None or len(probabilities) != len(SYMBOL_CLASSES):
        return meaning[0]
    return max(meaning, key=lambda k: probabilities[OPERATOR_OFFSET + k - 1])


def labelled_pieces(*, include_visitor_labels: bool) -> dict[str, np.ndarray]:
    """The operator reader's data: every symbol of labelled drawings read since their geometry is stored, as
    x uint8 (N, 28, 28), geometry float32 (N, 4), y (operator class, N), ids (submission, N)."""
    xs, gs, ys, ids = [], [], [], []
    for submission, label in _labelled(include_visitor_labels):
        stored = submission.digits
        if not all("geometry" in entry for entry in stored):
            continue
        xs.append(submission.input_bytes())
        gs.append(np.array([entry["geometry"] for entry in stored], np.float32))
        ys.append(np.array([operator_class(ch, entry.get("probabilities")) for ch, entry in zip(label, stored)]))
        ids.append(np.full(len(label), submission.pk, dtype=np.int64))
    if not xs:
        return {"x": np.zeros((0, 28, 28), np.uint8), "geometry": np.zeros((0, operators.GEOMETRY), np.float32),
                "y": np.zeros(0, np.uint8), "ids": np.zeros(0, np.int64)}
    return {"x": np.concatenate(xs), "geometry": np.concatenate(gs), "y": np.concatenate(ys).astype(np.uint8),
            "ids": np.concatenate(ids)}
