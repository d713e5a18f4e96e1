"""recognize(): a drawing's bytes -> the number it shows. The only place that calls the network."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import serving
from .digit_check import refuse_non_digits
from .preprocess import DrawingError, prepare, to_mnist
from .segment import TooComplex, find_digits, piece_ink

MAX_DIGITS = 8
# Separate pieces of ink (specks aside) a drawing may have: a digit drawn in several strokes has a few, so
# this leaves room for eight of them; a drawing with more is refused before any costly step.
MAX_PIECES = 6 * MAX_DIGITS
# A reading is "sure" when every digit's (calibrated) probability is at least this. Chosen on pen writers 17-20
# with a model that never trained on them (README, "Honest uncertainty"): below it, readings are wrong often
# enough that the page asks "or is it a 3?".
SURE_CONFIDENCE = 0.9
ALTERNATIVES = 2                  # the next most likely digits an answer names, when at least this likely:
ALTERNATIVE_FLOOR = 0.01


@dataclass(frozen=True)
class DigitReading:
    digit: int
    confidence: float
    probabilities: list[float]
    box: list[int]            # x, y, w, h in the original image's pixels
    input: np.ndarray         # the 28x28 float32 the network saw

    @property
    def alternatives(self) -> list[dict]:
        """The next most likely digits after the one read, most likely first, each at least ALTERNATIVE_FLOOR."""
        ranked = sorted(range(10), key=lambda d: -self.probabilities[d])[1:ALTERNATIVES + 1]
        return [{"digit": d, "probability": self.probabilities[d]} for d in ranked
                if self.probabilities[d] >= ALTERNATIVE_FLOOR]

    def as_dict(self) -> dict:
        return {"digit": self.digit, "confidence": self.confidence, "probabilities": self.probabilities,
                "alternatives": self.alternatives, "box": self.box}


@dataclass(frozen=True)
class Recognition:
    number: str
    digits: list[DigitReading]
    arch: str
    version: str
    image_format: str

    @property
    def inputs(self) -> np.ndarray:
        return np.stack([d.input for d in self.digits])

    @property
    def sure(self) -> bool:
        return all(d.confidence >= SURE_CONFIDENCE for d in self.digits)


def digit_inputs(raw: bytes) -> tuple[np.ndarray, list[list[int]], str]:
    """The 28x28 inputs of every digit in a drawing, left to right, their boxes, and the image format.

    Raises DrawingError for undecodable images, drawings with no ink, with more pieces of ink than
    MAX_PIECES, and with more than MAX_DIGITS digits.
    """
    drawing = prepare(raw)
    try:
        pieces, labels = find_digits(drawing.ink, max_pieces=MAX_PIECES)
    except TooComplex:
        raise DrawingError("too_complex", "The drawing has too many separate marks to be a number.") from None
    if not pieces:
        raise DrawingError("empty_drawing", "The drawing has no ink: draw a digit first.")
    if len(pieces) > MAX_DIGITS:
        raise DrawingError("too_many_digits", f"The drawing has more than {MAX_DIGITS} digits.")
    inputs = np.stack([to_mnist(piece_ink(drawing.ink, labels, p)) for p in pieces])
    s = drawing.scale
    boxes = [[int(p.left / s), int(p.top / s), max(1, round(p.width / s)), max(1, round(p.height / s))]
             for p in pieces]
    return inputs, boxes, drawing.format


def recognize(raw: bytes, *, arch: str | None = None) -> Recognition:
    """The number in a drawing, read by the model of `arch` (default SERVED_ARCH). Raises DrawingError for a
    drawing it cannot read, and ("not_a_digit") for one that is not digits at all."""
    (recognition,) = recognize_with(raw, archs=[arch])
    return recognition


def recognize_with(raw: bytes, *, archs: list[str | None]) -> list[Recognition]:
    """The same drawing read by several models (cut out, prepared and checked once), in the order of `archs`."""
    prepared = digit_inputs(raw)
    refuse_non_digits(prepared[0])
    return [read_inputs(*prepared, arch=arch) for arch in archs]


def read_inputs(inputs: np.ndarray, boxes: list[list[int]], image_format: str, *,
                arch: str | None = None) -> Recognition:
    model = serving.get_model(arch)
    probabilities = model.predict_proba(inputs).astype(np.float64)
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    digits = [DigitReading(digit=int(p.argmax()), confidence=round(float(p.max()), 4),
                           probabilities=[round(float(v), 6) for v in p], box=box, input=x)
              for p, box, x in zip(probabilities, boxes, inputs)]
    return Recognition(number="".join(str(d.digit) for d in digits), digits=digits,
                       arch=model.arch, version=model.version, image_format=image_format)
