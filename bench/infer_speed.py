"""Prediction latency of the shipped networks: one image, and a batch of 64, for cnn and mlp.

    .venv/bin/python bench/infer_speed.py [--repeats 200] [--threads N]

Baselines measured in the same run: the same weights in float64 (what float32 buys), and a batch of 64
predicted one image at a time (what batching buys); and the cnn with a recall of --recall remembered drawings (a
retraining run's largest, RETRAIN_RECALL_MAX) against the same cnn without. Target: cnn single image <= 2 ms median.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 2.0
BATCH = 64


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=200, help="timed single-image predictions (default 200)")
    parser.add_argument("--threads", type=int, default=None, help="BLAS threads (default: numpy's own choice)")
    parser.add_argument("--weights", type=Path, default=ROOT / "weights")
    parser.add_argument("--recall", type=int, default=500, help="drawings remembered (default 500)")
    return parser.parse_args()


ARGS = parse_args()
if ARGS.threads:
    # BLAS reads its thread count when numpy is first imported, so this has to come before that import.
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(ARGS.threads)
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from recognizer.nn.layers import Dense  # noqa: E402
from recognizer.nn.model import ARCHITECTURES, Sequential, build, from_architecture, load  # noqa: E402
from recognizer.nn.recall import Recall  # noqa: E402


def shipped_or_untrained(arch: str) -> tuple[Sequential, str]:
    path = ARGS.weights / f"{arch}.npz"
    if path.exists():
        model, meta = load(path)
        return model, f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path} ({meta.get('version', '?')})"
    return build(arch, seed=0), f"untrained {arch}: {path} not found, same architecture and size"


def as_float64(model: Sequential) -> Sequential:
    copy = from_architecture(model.architecture(), dtype=np.float64)
    for theirs, ours in zip(model.parameters(), copy.parameters()):
        ours.value = theirs.value.astype(np.float64)
    return copy


def median_ms(predict, images: np.ndarray, repeats: int) -> tuple[float, float]:
    """Median and 90th percentile wall-clock milliseconds of predict(images), after a few warm-up calls."""
    for _ in range(3):
        predict(images)
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        predict(images)
        times.append(time.perf_counter() - started)
    return float(np.median(times) * 1e3), float(np.percentile(times, 90) * 1e3)


def one_at_a_time(model: Sequential):
    return lambda images: np.concatenate([model.predict_proba(images[i:i + 1]) for i in range(len(images))])


def main() -> None:
    rng = np.random.default_rng(0)
    images = rng.random((BATCH, 28, 28), dtype=np.float32)
    batch_repeats = max(ARGS.repeats // 10, 5)
    load1, load5, _ = os.getloadavg()
    print(f"numpy {np.__version__}, BLAS threads: {ARGS.threads or 'numpy default'}, "
          f"load average {load1:.1f} / {load5:.1f} on {os.cpu_count()} cores (wall-clock figures suffer under load)")
    results = {}
    for arch in sorted(ARCHITECTURES):           # every arch the network package can build
        model, source = shipped_or_untrained(arch)
        wide = as_float64(model)
        assert np.allclose(model.predict_proba(images), wide.predict_proba(images), atol=1e-4)
        single, single_p90 = median_ms(model.predict_proba, images[:1], ARGS.repeats)
        single64, _ = median_ms(wide.predict_proba, images[:1], ARGS.repeats)
        batch, batch_p90 = median_ms(model.predict_proba, images, batch_repeats)
        looped, _ = median_ms(one_at_a_time(model), images, batch_repeats)
        results[arch] = single
        print(f"\n{arch}: {source}")
        print(f"  single image  median {single:7.3f} ms (p90 {single_p90:7.3f})   "
              f"float64 path {single64:7.3f} ms, ratio float64/float32 {single64 / single:.2f}")
        print(f"  batch of {BATCH}   median {batch:7.3f} ms (p90 {batch_p90:7.3f})   "
              f"one image at a time {looped:7.3f} ms, ratio loop/batch {looped / batch:.2f}")
    cnn, _ = shipped_or_untrained("cnn")
    layer = next(i for i, each in enumerate(cnn.layers) if isinstance(each, Dense))
    remembered = cnn.predict_hidden(rng.random((ARGS.recall, 28, 28), dtype=np.float32), layer=layer)
    cnn.remember(Recall.of(remembered, np.arange(ARGS.recall) % 10, layer=layer, threshold=0.8, weight=10.0))
    recalling, recalling_p90 = median_ms(cnn.predict_proba, images[:1], ARGS.repeats)
    print(f"\ncnn with a recall of {ARGS.recall} drawings ({remembered.shape[1]} features each): single image median "
          f"{recalling:7.3f} ms (p90 {recalling_p90:7.3f}), ratio to the cnn without {recalling / results['cnn']:.2f}")
    for name, ms in (("cnn", results["cnn"]), ("cnn with its recall", recalling)):
        print(f"target: {name} single image <= {TARGET_MS} ms median: {ms:.3f} ms, "
              f"{'met' if ms <= TARGET_MS else 'NOT met'}")


if __name__ == "__main__":
    main()
