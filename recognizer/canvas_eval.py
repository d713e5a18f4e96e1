"""Accuracy on drawings as a browser sends them: rendered, encoded, then read by the full path
(decode -> segment -> preprocess -> predict). The figure that matters, not MNIST test accuracy."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from django.conf import settings

from . import canvas_render as cr
from .preprocess import DrawingError
from .services import recognize


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


def read_number(raw: bytes, arch: str | None) -> str:
    try:
        return recognize(raw, arch=arch).number
    except DrawingError as exc:
        return f"<{exc.code}>"


def eval_images(images: np.ndarray, labels: np.ndarray, *, rng, arch=None) -> Tally:
    """28x28 digits (MNIST test, HwD) blown up onto random canvases in every encoding."""
    tally = Tally()
    for i, (image, label) in enumerate(zip(images, labels)):
        encoding = cr.ENCODINGS[i % len(cr.ENCODINGS)]
        ink = cr.render_image_digit(image, canvas=cr.random_canvas(rng), rng=rng)
        ok = read_number(cr.encode(ink, encoding), arch) == str(int(label))
        tally.add(ok, encoding, f"digit {int(label)}")
    return tally


def eval_pen_digits(pen: cr.PenDigits, indices, *, rng, arch=None) -> Tally:
    tally = Tally()
    for n, i in enumerate(indices):
        encoding = cr.ENCODINGS[n % len(cr.ENCODINGS)]
        ink = cr.render_number([pen.strokes[i]], canvas=cr.random_canvas(rng), rng=rng)
        ok = read_number(cr.encode(ink, encoding), arch) == str(int(pen.labels[i]))
        tally.add(ok, encoding, f"digit {int(pen.labels[i])}")
    return tally


def eval_pen_numbers(pen: cr.PenDigits, count_per_length: int, *, rng, arch=None, lengths=(2, 3, 4),
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
            tally.add(read_number(cr.encode(ink, encoding), arch) == truth, f"{length} digits", encoding)
    return tally


def devset_path(name: str) -> Path | None:
    """The shared development sets sit beside the repository, when they are there at all."""
    path = Path(settings.BASE_DIR).parent / "shared" / "devsets" / name
    return path if path.exists() else None
