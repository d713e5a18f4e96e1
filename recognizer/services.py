"""recognize(): a drawing's bytes -> the number or the expression it shows. The only place that calls the networks."""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from . import operators, serving
from .digit_check import refuse_non_digits
from .expression import MAX_NUMBER_DIGITS, MAX_NUMBERS, Evaluation, evaluate
from .preprocess import DrawingError, prepare, to_mnist
from .segment import TooComplex, find_digits, piece_ink
from .segment_symbols import IsOperator, find_symbols

MAX_DIGITS = MAX_NUMBER_DIGITS
MAX_SYMBOLS = MAX_NUMBERS * (MAX_NUMBER_DIGITS + 1)       # eight numbers, the operators between them and an =
# Separate pieces of ink (specks aside) a drawing may have: a digit drawn in several strokes has a few, so
# this leaves room for an expression of them; a drawing with more is refused before any costly step.
MAX_PIECES = 96
SYMBOL_CLASSES = tuple("0123456789") + operators.CLASSES[1:]     # what `probabilities` of a symbol are over
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
class SymbolReading:
    """One symbol read: a digit "0".."9" or an operator "+ - × ÷ =" (a raised dot is ×, a slash ÷), with the
    probabilities over SYMBOL_CLASSES."""
    symbol: str
    confidence: float
    probabilities: list[float]
    box: list[int]
    input: np.ndarray

    def as_dict(self) -> dict:
        return {"symbol": self.symbol, "confidence": self.confidence, "probabilities": self.probabilities,
                "box": self.box}


@dataclass(frozen=True)
class Recognition:
    """A reading: a plain number (kind "number": `number` is its digits, as always) or an expression (`number` is
    its result when that is a whole number >= 0, else None). `digits` are the digit symbols' readings."""
    number: str | None
    digits: list[DigitReading]
    arch: str
    version: str
    image_format: str
    symbols: list[SymbolReading] = field(default_factory=list)
    kind: str = "number"
    geometry: np.ndarray | None = None    # per symbol, where it sits on the line (what the operator reader saw)

    @property
    def read(self) -> str:
        """What was read, as stored: the number, or the expression's symbols (with a trailing = if drawn)."""
        if self.kind == "number":
            return self.number
        return "".join(s.symbol for s in self.symbols)

    @property
    def evaluation(self) -> Evaluation:
        return evaluate(self.read)

    @property
    def inputs(self) -> np.ndarray:
        return np.stack([s.input for s in self.symbols] if self.symbols else [d.input for d in self.digits])

    @property
    def sure(self) -> bool:
        readings = self.symbols if self.kind == "expression" else self.digits
        return all(r.confidence >= SURE_CONFIDENCE for r in readings)


@dataclass(frozen=True)
class Cutout:
    """A drawing cut into symbols: their 28x28 inputs, boxes (x, y, w, h in the image's pixels), and per symbol the
    operator reader's probabilities over operators.CLASSES (None without a reader)."""
    inputs: np.ndarray
    boxes: list[list[int]]
    image_format: str
    geometry: np.ndarray | None                 # (n, operators.GEOMETRY): where each sits on the line; None when
                                                # cut without asking about operators (no line was measured)
    operator_probabilities: np.ndarray | None

    @property
    def classes(self) -> np.ndarray:
        """Per symbol, operators.DIGIT or the operator class read (operators.symbol_classes), when the drawing is an
        expression: some symbols are operators and some digits. Otherwise all DIGIT: a plain number."""
        if self.operator_probabilities is None:
            return np.zeros(len(self.inputs), int)
        found = operators.symbol_classes(self.operator_probabilities)
        is_operator = found != operators.DIGIT
        return found if is_operator.any() and not is_operator.all() else np.zeros(len(found), int)

    @property
    def operators(self) -> np.ndarray:
        return self.classes != operators.DIGIT


def digit_inputs(raw: bytes) -> tuple[np.ndarray, list[list[int]], str]:
    """The 28x28 inputs of every symbol in a drawing, left to right, their boxes, and the image format (a plain
    number's symbols are its digits). Raises as cut_out, and DrawingError for a plain number of more than
    MAX_DIGITS digits."""
    cutout = cut_out(raw)
    _refuse_long_numbers(cutout)
    return cutout.inputs, cutout.boxes, cutout.image_format


def _refuse_long_numbers(cutout: Cutout) -> None:
    if not cutout.operators.any() and len(cutout.inputs) > MAX_DIGITS:
        raise DrawingError("too_many_digits", f"The drawing has more than {MAX_DIGITS} digits.")


def cut_out(raw: bytes, *, is_operator: IsOperator | None = None) -> Cutout:
    """The drawing cut into symbols: segment_symbols asking the served operator reader (or `is_operator`, which
    then replaces the reader) whether a short mark is an operator; without either, digits as find_digits cuts them.

    Raises DrawingError for undecodable images, drawings with no ink, with more pieces of ink than MAX_PIECES,
    and with more than MAX_SYMBOLS symbols.
    """
    drawing = prepare(raw)
    installed = is_operator is None and operators.served() is not None
    if installed:
        def is_operator(marks, line, inks, where) -> list[bool]:
            found = operators.operator_probabilities(np.stack([to_mnist(ink) for ink in inks]), np.stack(
                [operators.geometry(p, line, ink) for p, ink in zip(marks, inks)]))
            return [operators.accepts(p, w) for p, w in zip(found, where)]
    try:
        if is_operator is not None:
            pieces, labels, line = find_symbols(drawing.ink, max_pieces=MAX_PIECES, is_operator=is_operator)
        else:
            (pieces, labels), line = find_digits(drawing.ink, max_pieces=MAX_PIECES), None
    except TooComplex:
        raise DrawingError("too_complex", "The drawing has too many separate marks to be a number.") from None
    if not pieces:
        raise DrawingError("empty_drawing", "The drawing has no ink: draw a digit first.")
    if len(pieces) > MAX_SYMBOLS:
        raise DrawingError("too_many_digits", f"The drawing has more than {MAX_SYMBOLS} symbols.")
    inks = [piece_ink(drawing.ink, labels, p) for p in pieces]
    inputs = np.stack([to_mnist(ink) for ink in inks])
    geometry = (np.stack([operators.geometry(p, line, ink) for p, ink in zip(pieces, inks)]) if line is not None
                else None)
    found = operators.operator_probabilities(inputs, geometry) if installed else None
    s = drawing.scale
    boxes = [[int(p.left / s), int(p.top / s), max(1, round(p.width / s)), max(1, round(p.height / s))]
             for p in pieces]
    return Cutout(inputs, boxes, drawing.format, geometry, found)


def recognize(raw: bytes, *, arch: str | None = None) -> Recognition:
    """The number or expression in a drawing, its digits read by the model of `arch` (default SERVED_ARCH).
    Raises DrawingError for a drawing it cannot read, and ("not_a_digit") for one whose digits are not digits."""
    (recognition,) = recognize_with(raw, archs=[arch])
    return recognition


def recognize_with(raw: bytes, *, archs: list[str | None]) -> list[Recognition]:
    """The same drawing read by several models (cut out, prepared and checked once), in the order of `archs`.
    An expression's operators are not asked whether they are digits; its digits are."""
    cutout = cut_out(raw)
    _refuse_long_numbers(cutout)
    refuse_non_digits(cutout.inputs[~cutout.operators])
    return [read_cutout(cutout, arch=arch) for arch in archs]


def read_cutout(cutout: Cutout, *, arch: str | None = None) -> Recognition:
    """The digits read by the model of `arch`, the operators by the operator reader. A symbol's probabilities are
    over SYMBOL_CLASSES: P(digit) from the operator reader times the digit reader's, then the operator classes."""
    classes = cutout.classes
    is_operator = classes != operators.DIGIT
    every = read_inputs(cutout.inputs, cutout.boxes, cutout.image_format, arch=arch)
    found = cutout.operator_probabilities
    if found is None:
        found = np.eye(len(operators.CLASSES))[np.zeros(len(cutout.inputs), int)]
    symbols = []
    for reading, k, p in zip(every.digits, classes, found):
        probabilities = [float(p[operators.DIGIT]) * q for q in reading.probabilities] + [float(v) for v in p[1:]]
        if k != operators.DIGIT:
            symbol, confidence = operators.MEANS[operators.CLASSES[k]], float(p[k])
        else:
            symbol, confidence = str(reading.digit), probabilities[reading.digit]
        symbols.append(SymbolReading(symbol=symbol, confidence=round(confidence, 4), box=reading.box,
                                     input=reading.input, probabilities=[round(v, 6) for v in probabilities]))
    if not is_operator.any():
        return replace(every, symbols=symbols, geometry=cutout.geometry)
    digits = [d for d, operator in zip(every.digits, is_operator) if not operator]
    reading = Recognition(number=None, digits=digits, arch=every.arch, version=every.version,
                          image_format=every.image_format, symbols=symbols, kind="expression",
                          geometry=cutout.geometry)
    whole = reading.evaluation.whole_number
    return replace(reading, number=None if whole is None else str(whole))


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
