"""Accuracy on drawings as a browser sends them: rendered, encoded, then read by the full path
(decode -> segment -> preprocess -> predict). The figure that matters, not MNIST test accuracy.

Pen-drawn figures are on writers who never trained anything (pen_data.MEASURE_WRITERS) unless asked otherwise."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from django.conf import settings

from . import synthetic_drawings as cr
from . import serving
from .nn.calibrate import calibration, expected_calibration_error
from .nn.losses import softmax
from .nn.model import Sequential
from .preprocess import DrawingError
from .services import digit_inputs


@dataclass
class Tally:
    """Right/total counts, overall and by a key (encoding, digit, length)."""
    right: int = 0
    total: int = 0
    by: dict = field(default_factory=lambda: defaultdict(lambda: [0, 0]))

    def add(self, ok: bool, *keys) -> None:
        self.right += ok
        self.total += 1
        for key in keys:
            self.by[key][0] += ok
            self.by[key][1] += 1

    @property
    def accuracy(self) -> float:
        return self.right / self.total if self.total else 0.0

    def lines(self, title: str) -> list[str]:
        out = [f"{title}: {self.accuracy:.4f} ({self.right}/{self.total})"]
        for key in sorted(self.by, key=str):
            r, t = self.by[key]
            out.append(f"  {key}: {r / t:.4f} ({r}/{t})")
        return out


@dataclass
class Reader:
    """Reads a drawing's bytes the way recognize() does (services.digit_inputs, then the network), keeping the
    logits so calibration can be measured; `temperature` is the one serving divides them by."""
    network: Sequential
    temperature: float = 1.0
    name: str = ""

    @classmethod
    def served(cls, arch: str | None) -> "Reader":
        model = serving.get_model(arch)
        return cls(model.network, model.temperature, model.version)

    def read(self, raw: bytes) -> tuple[str, np.ndarray | None]:
        try:
            inputs, _, _ = digit_inputs(raw)
        except DrawingError as exc:
            return f"<{exc.code}>", None
        logits = self.network.predict_logits(inputs)
        return "".join(str(int(d)) for d in logits.argmax(1)), logits


@dataclass
class PenTally(Tally):
    """Single pen digits: also by writer, the confused pairs, and the logits of the digits read as one."""
    confused: Counter = field(default_factory=Counter)
    logits: list = field(default_factory=list)
    labels: list = field(default_factory=list)

    def lines(self, title: str) -> list[str]:
        kept = {k: v for k, v in self.by.items() if not str(k).startswith("writer")}
        return Tally(self.right, self.total, defaultdict(lambda: [0, 0], kept)).lines(title)

    def writer_accuracies(self) -> dict[int, float]:
        return {int(str(k).split()[1]): r / t for k, (r, t) in self.by.items() if str(k).startswith("writer")}

    def writer_lines(self) -> list[str]:
        per = sorted(((r / t, w, r, t) for w, (r, t) in self.by.items() if str(w).startswith("writer")))
        if not per:
            return []
        accs = [a for a, *_ in per]
        out = [f"per writer: lowest {per[0][0]:.4f} ({per[0][1]}), median {float(np.median(accs)):.4f}"]
        out += [f"  {w}: {a:.4f} ({r}/{t})" for a, w, r, t in sorted(per, key=lambda p: int(p[1].split()[1]))]
        return out

    def confusion_lines(self, top: int = 10) -> list[str]:
        pairs = ", ".join(f"{t}->{p}: {n}" for (t, p), n in self.confused.most_common(top))
        return [f"top confusions (true->read): {pairs or 'none'}"]

    def calibration_lines(self, temperature: float) -> list[str]:
        if not self.logits:
            return []
        logits, labels = np.stack(self.logits), np.array(self.labels)
        served = expected_calibration_error(softmax(logits.astype(np.float64) / temperature), labels)
        raw = calibration(logits, labels, temperature)
        return [f"expected calibration error (15 bins, {len(labels)} digits read as one): served (T={temperature:.3f}) "
                f"{served:.4f}; without temperature {raw['ece_before']:.4f}; NLL {raw['nll_before']:.4f} -> "
                f"{raw['nll_after']:.4f}"]


def eval_images(images: np.ndarray, labels: np.ndarray, *, rng, reader: Reader) -> Tally:
    """28x28 digits (MNIST test, HwD) blown up onto random canvases in every encoding."""
    tally = Tally()
    for i, (image, label) in enumerate(zip(images, labels)):
        encoding = cr.ENCODINGS[i % len(cr.ENCODINGS)]
        ink = cr.render_image_digit(image, canvas=cr.random_canvas(rng), rng=rng)
        ok = reader.read(cr.encode(ink, encoding))[0] == str(int(label))
        tally.add(ok, encoding, f"digit {int(label)}")
    return tally


def eval_pen_digits(pen: cr.PenDigits, indices, *, rng, reader: Reader) -> PenTally:
    tally = PenTally()
    for n, i in enumerate(indices):
        encoding = cr.ENCODINGS[n % len(cr.ENCODINGS)]
        ink = cr.render_number([pen.strokes[i]], canvas=cr.random_canvas(rng), rng=rng)
        number, logits = reader.read(cr.encode(ink, encoding))
        truth = str(int(pen.labels[i]))
        tally.add(number == truth, encoding, f"digit {truth}", f"writer {int(pen.writers[i])}")
        if number != truth:
            tally.confused[(truth, number)] += 1
        if logits is not None and len(logits) == 1:
            tally.logits.append(logits[0])
            tally.labels.append(int(truth))
    return tally


def eval_pen_numbers(pen: cr.PenDigits, count_per_length: int, *, rng, reader: Reader, lengths=(2, 3, 4),
                     allowed=None) -> Tally:
    """Numbers of 2-4 digits, each written by one writer, side by side on a wide canvas; exact match."""
    tally = Tally()
    pool = np.arange(len(pen.labels)) if allowed is None else np.asarray(allowed)
    by_writer = defaultdict(list)
    for i in pool:
        by_writer[int(pen.writers[i])].append(int(i))
    writers = sorted(by_writer)
    for length in lengths:
        for n in range(count_per_length):
            chosen = rng.choice(by_writer[writers[int(rng.integers(len(writers)))]], size=length)
            canvas = (int(rng.integers(560, 801)), int(rng.integers(280, 401)))
            encoding = cr.ENCODINGS[n % len(cr.ENCODINGS)]
            ink = cr.render_number([pen.strokes[i] for i in chosen], canvas=canvas, rng=rng)
            truth = "".join(str(int(pen.labels[i])) for i in chosen)
            tally.add(reader.read(cr.encode(ink, encoding))[0] == truth, f"{length} digits", encoding)
    return tally


def devset_path(name: str) -> Path | None:
    """The shared development sets sit beside the repository, when they are there at all."""
    path = Path(settings.BASE_DIR).parent / "shared" / "devsets" / name
    return path if path.exists() else None
