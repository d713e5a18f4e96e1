"""Segmentation errors (pieces found != digits drawn) on drawings that never measure anything: the data the
hysteresis level (recognizer.segment.FAINT_LEVEL) was chosen on.

Run by hand: .venv/bin/python bench/segmentation.py [--faint 0.35 0.25 0.15 0.08]
Drawings (fixed seeds): 3,000 MNIST train digits blown up as canvas drawings; pen digits (1,500) and numbers of
2-4 digits (300 each) of pendigits writers 1-20 as the measuring renderer draws them; and a hairline set of the
same writers (pen 1-4% of the digit's height, ink 0.35-1, canvases up to 1000x800; 800 single digits, 400
numbers of 2 and of 3 digits). Each --faint level is counted in turn; 0.35 (= INK_LEVEL) is plain thresholding,
the baseline in the same process.
"""
import argparse
import os
import sys
from collections import Counter
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digitsite.settings.test")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402

from recognizer import segment, synthetic_drawings as cr  # noqa: E402
from recognizer.canvas_eval import devset_path  # noqa: E402
from recognizer.mnist import load_mnist  # noqa: E402
from recognizer.preprocess import DrawingError  # noqa: E402
from recognizer.services import digit_inputs  # noqa: E402


def pen_drawings(pen, rng, name, lengths, count, *, hairline=False) -> list[tuple[str, int, bytes]]:
    """`count` drawings per length of one writer's digits side by side (writers 1-20 only); hairline: a pen of
    1-4% of the digit's height, ink 0.35-1, on a canvas of 500-1000 x 400-800."""
    out = []
    for length in lengths:
        for n in range(count):
            chosen = rng.choice(np.flatnonzero(pen.writers == rng.integers(1, 21)), size=length)
            strokes = [pen.strokes[i] for i in chosen]
            if hairline:
                canvas = (int(rng.integers(500, 1001)), int(rng.integers(400, 801)))
                ink = cr.render_number(strokes, canvas=canvas, rng=rng, pen_share=rng.uniform(0.01, 0.04))
                ink *= rng.uniform(0.35, 1.0)
            else:
                ink = cr.render_number(strokes, canvas=cr.random_canvas(rng), rng=rng)
            out.append((f"{name}-{length}", length, cr.encode(ink, cr.ENCODINGS[n % len(cr.ENCODINGS)])))
    return out


def drawings() -> list[tuple[str, int, bytes]]:
    rng = np.random.default_rng(0)
    mnist = load_mnist()
    out = [("mnist-train", 1, cr.encode(cr.render_image_digit(mnist["x_train"][i], canvas=cr.random_canvas(rng),
                                                              rng=rng), cr.ENCODINGS[n % len(cr.ENCODINGS)]))
           for n, i in enumerate(rng.permutation(len(mnist["y_train"]))[:3000])]
    pen = cr.load_pendigits(devset_path("pendigits_train.npz"))
    out += pen_drawings(pen, rng, "pen", [1], 1500)
    out += pen_drawings(pen, rng, "pen", [2, 3, 4], 300)
    out += pen_drawings(pen, rng, "hairline", [1], 800, hairline=True)
    out += pen_drawings(pen, rng, "hairline", [2, 3], 400, hairline=True)
    return out


def pieces(raw: bytes):
    try:
        return len(digit_inputs(raw)[0])
    except DrawingError as exc:
        return exc.code


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--faint", type=float, nargs="+", default=[segment.INK_LEVEL, 0.25, 0.15, 0.08])
    args = parser.parse_args()
    if devset_path("pendigits_train.npz") is None:
        sys.exit("../shared/devsets/pendigits_train.npz is missing: this bench needs the shared development sets")
    sets = drawings()
    totals = Counter(name for name, _, _ in sets)
    baseline = None
    print(f"{len(sets)} drawings: " + ", ".join(f"{k} {v}" for k, v in totals.items()))
    for faint in args.faint:
        segment.FAINT_LEVEL = faint
        wrong = Counter(name for name, length, raw in sets if pieces(raw) != length)
        total = sum(wrong.values())
        baseline = total if baseline is None else baseline
        print(f"FAINT_LEVEL {faint:.2f}: {total} segmentation errors ({total / max(baseline, 1):.2f}x the first); "
              + ", ".join(f"{k} {wrong[k]}/{totals[k]}" for k in totals))
    return 0


if __name__ == "__main__":
    sys.exit(main())
