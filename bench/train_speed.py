"""Training speed of the shipped cnn: our numpy code against the same network in PyTorch CPU, in one run.

Run with the benchmark virtualenv, which has torch (never a dependency of the site):
    .venv-bench/bin/python bench/train_speed.py [--batches 60] [--repeats 3] [--threads 2] [--numpy-split batch|blas]
                                                [--profile]
With the site's .venv it measures numpy alone. Both frameworks get --threads threads. PyTorch parallelises every op
itself; numpy by default splits each batch across the threads (TrainConfig.threads: one chunk per thread, OpenBLAS
at one thread each), or with --numpy-split blas leaves OpenBLAS to use them in the matrix products alone.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_RATIO = 1.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batches", type=int, default=60, help="training batches per measurement (default 60)")
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--repeats", type=int, default=3,
                        help="measurements per framework, interleaved; the median is reported (default 3)")
    parser.add_argument("--threads", type=int, default=os.cpu_count(),
                        help="threads for both frameworks (default: all cores)")
    parser.add_argument("--numpy-split", choices=("batch", "blas"), default="batch",
                        help="how numpy uses its threads: each batch split across them (default), or OpenBLAS's")
    parser.add_argument("--profile", action="store_true", help="also time each numpy layer's forward and backward")
    return parser.parse_args()


ARGS = parse_args()
# BLAS reads its thread count when numpy is first imported, so this has to come before that import.
# PyTorch (MKL and OpenMP) reads the last two; numpy's OpenBLAS stays at one thread when the batch is split.
BATCH_THREADS = ARGS.threads if ARGS.numpy_split == "batch" else 1
os.environ["OPENBLAS_NUM_THREADS"] = str(ARGS.threads // BATCH_THREADS)
for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = str(ARGS.threads)
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from recognizer.nn.data import DataError, load_mnist  # noqa: E402
from recognizer.nn.losses import SoftmaxCrossEntropy  # noqa: E402
from recognizer.nn.model import build, cnn_spec  # noqa: E402
from recognizer.nn.train import TrainConfig, fit, to_float  # noqa: E402

try:
    import torch
except ImportError:
    torch = None


def training_images(count: int) -> tuple[np.ndarray, np.ndarray, str]:
    try:
        data = load_mnist(ROOT / "var" / "data" / "mnist.npz")
        return data["x_train"][:count], data["y_train"][:count], "MNIST train"
    except DataError:
        rng = np.random.default_rng(0)
        return rng.integers(0, 256, (count, 28, 28), dtype=np.uint8), rng.integers(0, 10, count), "random images"


class Stopwatch:
    """Wall-clock and CPU seconds: on a busy machine the CPU figure shows the work, the wall clock the wait."""

    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu


def numpy_training(images: np.ndarray, labels: np.ndarray) -> Stopwatch:
    """One epoch of recognizer.nn.train.fit (Adam, cosine schedule, dropout), without augmentation."""
    model = build("cnn", seed=0)
    cfg = TrainConfig(epochs=1, batch_size=ARGS.batch_size, augment=None, threads=BATCH_THREADS)
    fit(model, images[:2 * ARGS.batch_size], labels[:2 * ARGS.batch_size], cfg)
    with Stopwatch() as watch:
        fit(model, images, labels, cfg)
    return watch


def torch_model(spec: dict):
    """The same layers in the same order, NCHW as PyTorch prefers."""
    nn = torch.nn
    layers = []
    for cfg in spec["layers"]:
        kind = cfg["type"]
        if kind == "Conv2D":
            layers.append(nn.Conv2d(cfg["c_in"], cfg["c_out"], cfg["kernel"], padding=cfg["padding"]))
        elif kind == "MaxPool2D":
            layers.append(nn.MaxPool2d(cfg["size"]))
        elif kind == "Dense":
            layers.append(nn.Linear(cfg["n_in"], cfg["n_out"]))
        elif kind == "Dropout":
            layers.append(nn.Dropout(cfg["rate"]))
        else:
            layers.append({"ReLU": nn.ReLU, "Sigmoid": nn.Sigmoid, "Flatten": nn.Flatten}[kind]())
    return nn.Sequential(*layers)


def torch_training(images: np.ndarray, labels: np.ndarray) -> Stopwatch:
    """The loop fit() runs, in PyTorch: shuffle, to float, forward, cross-entropy, backward, AdamW, cosine lr."""
    torch.manual_seed(0)
    cfg = TrainConfig(epochs=1, batch_size=ARGS.batch_size, augment=None)
    model = torch_model(cnn_spec()).train()
    weights = [p for p in model.parameters() if p.ndim > 1]
    biases = [p for p in model.parameters() if p.ndim == 1]
    opt = torch.optim.AdamW([{"params": weights, "weight_decay": cfg.weight_decay},
                             {"params": biases, "weight_decay": 0.0}], lr=cfg.lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=len(images) // cfg.batch_size, eta_min=cfg.min_lr)
    loss_fn = torch.nn.CrossEntropyLoss()
    y_all = torch.from_numpy(labels.astype(np.int64))

    def epoch(x_uint8: np.ndarray, y: torch.Tensor) -> None:
        rng = np.random.default_rng(cfg.seed)
        order = rng.permutation(len(x_uint8))
        for b in range(0, len(order), cfg.batch_size):
            idx = order[b:b + cfg.batch_size]
            x = torch.from_numpy(to_float(x_uint8[idx])).reshape(-1, 1, 28, 28)
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(x), y[idx])
            loss.backward()
            opt.step()
            sched.step()

    epoch(images[:2 * cfg.batch_size], y_all[:2 * cfg.batch_size])
    with Stopwatch() as watch:
        epoch(images, y_all)
    return watch


def profile_numpy(images: np.ndarray, labels: np.ndarray, steps: int = 10) -> None:
    """Median CPU milliseconds of each layer's forward and backward over a few training batches."""
    model = build("cnn", seed=0)
    model.train(True)
    loss_fn = SoftmaxCrossEntropy()
    x = to_float(images[:ARGS.batch_size])
    y = labels[:ARGS.batch_size].astype(np.int64)
    fwd = [[] for _ in model.layers]
    bwd = [[] for _ in model.layers]
    for _ in range(steps):
        h = x.reshape((len(x),) + model.input_shape)
        for i, layer in enumerate(model.layers):
            t = time.process_time()
            h = layer.forward(h)
            fwd[i].append(time.process_time() - t)
        loss_fn.forward(h, y)
        d = loss_fn.backward()
        for i in reversed(range(len(model.layers))):
            t = time.process_time()
            d = model.layers[i].backward(d) if i else model.layers[i].backward_params(d)
            bwd[i].append(time.process_time() - t)
    print(f"\nper-layer median CPU ms for one whole (unsplit) batch of {ARGS.batch_size} (numpy):")
    print(f"  {'layer':<44} {'forward':>8} {'backward':>9}")
    for layer, f, b in zip(model.layers, fwd, bwd):
        cfg = layer.config()
        name = " ".join([cfg.pop("type")] + [f"{k}={v}" for k, v in cfg.items()])
        print(f"  {name:<44} {np.median(f) * 1e3:8.2f} {np.median(b) * 1e3:9.2f}")
    total = sum(np.median(f) + np.median(b) for f, b in zip(fwd, bwd))
    print(f"  {'total':<44} {total * 1e3:18.2f}")


def main() -> None:
    count = ARGS.batches * ARGS.batch_size
    images, labels, source = training_images(count)
    print(f"shipped cnn (cnn_spec): {len(images)} {source} images per measurement, batch {ARGS.batch_size}, "
          f"float32, Adam, {ARGS.threads} thread(s), median of {ARGS.repeats} interleaved runs")
    print(f"numpy threads: each batch split in {BATCH_THREADS} chunk(s) on as many threads, "
          f"OpenBLAS at {os.environ['OPENBLAS_NUM_THREADS']} thread(s) per chunk; PyTorch: {ARGS.threads} "
          f"intra-op thread(s)")
    load1, load5, _ = os.getloadavg()
    print(f"numpy {np.__version__}" + (f", torch {torch.__version__}" if torch else "") +
          f"; load average {load1:.1f} / {load5:.1f} on {os.cpu_count()} cores")
    if torch:
        torch.set_num_threads(ARGS.threads)
    runs = {"numpy": [], "PyTorch": []} if torch else {"numpy": []}
    for run in range(1, ARGS.repeats + 1):
        runs["numpy"].append(numpy_training(images, labels))
        if torch:
            runs["PyTorch"].append(torch_training(images, labels))
        print(f"  run {run}: " + "   ".join(
            f"{name} {len(images) / w[-1].wall:6.0f} images/s ({len(images) / w[-1].cpu:6.0f} per CPU-s)"
            for name, w in runs.items()), flush=True)
    rates = {name: (float(np.median([len(images) / w.wall for w in watches])),
                    float(np.median([len(images) / w.cpu for w in watches]))) for name, watches in runs.items()}
    for name, (wall, cpu) in rates.items():
        label = "numpy (recognizer.nn)" if name == "numpy" else f"PyTorch {torch.__version__} CPU"
        print(f"{label}: {wall:.0f} images/s wall clock, {cpu:.0f} images per CPU-second")
    if torch:
        wall_ratio = rates["numpy"][0] / rates["PyTorch"][0]
        cpu_ratio = rates["numpy"][1] / rates["PyTorch"][1]
        verdict = "met" if wall_ratio >= TARGET_RATIO else "NOT met"
        print(f"ratio numpy/PyTorch: {wall_ratio:.2f} wall clock (target >= {TARGET_RATIO}: {verdict}), "
              f"{cpu_ratio:.2f} per CPU-second")
    else:
        print("PyTorch is not installed in this interpreter: run it with .venv-bench/bin/python (see bench/README.md)")
    if ARGS.profile:
        profile_numpy(images, labels)


if __name__ == "__main__":
    main()
