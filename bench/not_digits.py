"""Are non-digits refused, and real digits not? The digit check measured through the whole read path.

Run by hand: .venv/bin/python bench/not_digits.py [--count 500] [--check weights/digit_check.npz]
Reads 500 generated non-digits (dots, scribbles, zig-zags, filled blobs, grids, letters; seeds the check never
trained or was tuned on) and real digits no model trained on (pen writers 21-30 drawn as a canvas sends them,
HwD-1000) through recognizer.services.recognize, the path of POST /api/recognize/. Reports the share refused
(any 400: not_a_digit, too_complex, ...) per kind. The baseline, in the same process, is the same drawings read
without the check. Targets: >= 90% of non-digits refused while <= 0.5% of real digits are.
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
from django.conf import settings  # noqa: E402

from recognizer import synthetic_drawings as cr  # noqa: E402
from recognizer import digit_check, non_digits, serving  # noqa: E402
from recognizer.canvas_eval import devset_path  # noqa: E402
from recognizer.pen_data import MEASURE_WRITERS  # noqa: E402
from recognizer.preprocess import DrawingError  # noqa: E402
from recognizer.services import recognize  # noqa: E402
from support.weights_folder import weights_without  # noqa: E402

BENCH_SEED = 424242            # the check trains on seed 0 and is tuned on seed 10,000: these drawings are new


def outcome(raw: bytes) -> str:
    try:
        recognize(raw)
        return "read"
    except DrawingError as exc:
        return exc.code


def drawings(count: int, real_count: int) -> dict[str, list[bytes]]:
    rng = np.random.default_rng(BENCH_SEED)
    sets = {kind: [non_digits.drawing(kind, rng) for _ in range(count // len(non_digits.KINDS))]
            for kind in non_digits.KINDS}
    pen_path, hwd_path = devset_path("pendigits_train.npz"), devset_path("hwd1000.npz")
    if pen_path is not None:
        pen = cr.load_pendigits(pen_path)
        pick = rng.permutation(np.flatnonzero(np.isin(pen.writers, list(MEASURE_WRITERS))))[:real_count]
        sets["real: pen writers 21-30"] = [
            cr.encode(cr.render_number([pen.strokes[i]], canvas=cr.random_canvas(rng), rng=rng),
                      cr.ENCODINGS[n % len(cr.ENCODINGS)]) for n, i in enumerate(pick)]
    if hwd_path is not None:
        with np.load(hwd_path, allow_pickle=False) as f:
            images = f["images"]
        sets["real: HwD-1000"] = [
            cr.encode(cr.render_image_digit(image, canvas=cr.random_canvas(rng), rng=rng), cr.ENCODINGS[n % 4])
            for n, image in enumerate(images)]
    return sets


def refused_shares(sets: dict[str, list[bytes]]) -> dict[str, tuple[float, Counter]]:
    shares = {}
    for name, raws in sets.items():
        outcomes = Counter(outcome(raw) for raw in raws)
        shares[name] = (1 - outcomes["read"] / len(raws), outcomes)
    return shares


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=500, help="generated non-digits, every kind alike")
    parser.add_argument("--real", type=int, default=1000, help="pen-drawn digits of writers 21-30")
    parser.add_argument("--check", type=Path, default=Path(settings.WEIGHTS_DIR) / digit_check.CHECK_FILE)
    args = parser.parse_args()
    sets = drawings(args.count, args.real)
    with weights_without(digit_check.CHECK_FILE) as install:
        baseline = refused_shares(sets)
        install(args.check)
        checked = refused_shares(sets)
    print(f"served model {serving.get_model().version}; check {args.check}")
    print(f"{'set':28} {'n':>5} {'refused without check':>22} {'with check':>11}  with check, by answer")
    for name, raws in sets.items():
        print(f"{name:28} {len(raws):>5} {baseline[name][0]:>22.1%} {checked[name][0]:>11.1%}  "
              f"{dict(checked[name][1].most_common())}")
    fake = [k for k in non_digits.KINDS]
    real = [k for k in sets if k.startswith("real")]
    fake_share = np.mean([checked[k][0] for k in fake])
    real_share = sum(checked[k][0] * len(sets[k]) for k in real) / max(1, sum(len(sets[k]) for k in real))
    base_fake = np.mean([baseline[k][0] for k in fake])
    print(f"non-digits refused: {fake_share:.1%} (without the check {base_fake:.1%}; target >= 90%)")
    print(f"real digits refused: {real_share:.2%} (target <= 0.5%)")


if __name__ == "__main__":
    main()
