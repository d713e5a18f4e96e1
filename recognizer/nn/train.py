"""Mini-batch training and evaluation of a Sequential model on 28x28 digits."""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from .augment import AugmentConfig, augment
from .losses import DistillationLoss, SoftmaxCrossEntropy
from .model import Sequential, build
from .optim import Adam
from .parallel import ParallelStep


@dataclass
class TrainConfig:
    epochs: int = 15
    batch_size: int = 128
    lr: float = 1e-3
    min_lr: float = 1e-5
    weight_decay: float = 1e-4
    seed: int = 0
    augment: AugmentConfig | None = field(default_factory=AugmentConfig)
    threads: int = 1        # above 1, each batch is split across this many threads (parallel.py); best with BLAS at 1


@dataclass(frozen=True)
class Mix:
    """Extra examples drawn into every batch at a fixed share (pen-drawn digits beside MNIST): an epoch is still
    one pass over the main images, and each batch is (1 - share) of them plus share of these, drawn at random."""
    images: np.ndarray
    labels: np.ndarray
    share: float

    def batch_split(self, batch_size: int) -> tuple[int, int]:
        extra = int(round(batch_size * self.share)) if len(self.labels) else 0
        return batch_size - extra, extra


@dataclass(frozen=True)
class Distillation:
    """Teachers whose mean logits (an ensemble's answer) the student learns from beside the labels."""
    teachers: tuple[Sequential, ...]
    weight: float = 0.7
    temperature: float = 2.0

    def logits(self, x: np.ndarray) -> np.ndarray:
        return np.mean([teacher.predict_logits(x) for teacher in self.teachers], axis=0)


@dataclass
class Progress:
    epoch: int
    batch: int
    batches: int
    loss: float
    accuracy: float
    images_per_s: float


def to_float(images: np.ndarray) -> np.ndarray:
    """uint8 0..255 (or floats already in 0..1) -> float32 0..1."""
    return images.astype(np.float32) / 255 if images.dtype == np.uint8 else images.astype(np.float32)


def cosine(lr: float, min_lr: float, step: int, total: int) -> float:
    """The learning rate at `step` of `total` on a cosine from lr down to min_lr."""
    return min_lr + 0.5 * (lr - min_lr) * (1 + math.cos(math.pi * step / max(total, 1)))


def cosine_lr(cfg: TrainConfig, step: int, total: int) -> float:
    return cosine(cfg.lr, cfg.min_lr, step, total)


class EpochTally:
    """One epoch's running loss and accuracy: the progress after each batch, and the epoch's history entry."""

    def __init__(self, epoch: int, batches: int):
        self.epoch, self.batches = epoch, batches
        self.loss_sum, self.correct, self.seen = 0.0, 0, 0
        self.started = time.perf_counter()

    def add(self, loss: float, logits: np.ndarray, labels: np.ndarray) -> None:
        self.loss_sum += loss * len(labels)
        self.correct += int((logits.argmax(1) == labels).sum())
        self.seen += len(labels)

    def progress(self, batch: int) -> Progress:
        return Progress(self.epoch, batch, self.batches, self.loss_sum / self.seen, self.correct / self.seen,
                        self.seen / (time.perf_counter() - self.started))

    def entry(self) -> dict:
        return {"epoch": self.epoch, "loss": round(self.loss_sum / self.seen, 5),
                "accuracy": round(self.correct / self.seen, 5),
                "seconds": round(time.perf_counter() - self.started, 2)}


def batches_per_epoch(n: int, batch_size: int, mix: Mix | None) -> int:
    """Batches in one pass over n main images, each batch holding mix's share of its own examples beside them."""
    return math.ceil(n / (mix.batch_split(batch_size)[0] if mix is not None else batch_size))


def fit(model: Sequential, images: np.ndarray, labels: np.ndarray, cfg: TrainConfig, *,
        sample_weights: np.ndarray | None = None,
        on_progress: Callable[[Progress], None] | None = None,
        on_epoch: Callable[[dict], None] | None = None, mix: Mix | None = None,
        distill: Distillation | None = None) -> list[dict]:
    """Trains in place with Adam and a cosine schedule; returns per-epoch {epoch, loss, accuracy, seconds}.

    sample_weights, when given, set how often each example is drawn (oversampling), so a few hundred
    user drawings can matter next to 60k MNIST digits. on_epoch is called after each epoch with its
    history entry, the model in inference mode (to checkpoint or evaluate it). mix adds its share of other
    examples to every batch (augmented the same way). distill adds its teachers' answers on the same (augmented)
    batch to the targets.
    """
    if distill is not None and cfg.threads > 1:
        raise ValueError("distillation trains on one thread")
    rng = np.random.default_rng(cfg.seed)
    loss_fn = SoftmaxCrossEntropy() if distill is None else DistillationLoss(distill.weight, distill.temperature)
    opt = Adam(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    n = len(images)
    main, extra = mix.batch_split(cfg.batch_size) if mix is not None else (cfg.batch_size, 0)
    batches = batches_per_epoch(n, cfg.batch_size, mix)
    total_steps = batches * cfg.epochs
    probs = None if sample_weights is None else sample_weights / sample_weights.sum()
    history = []
    model.train(True)
    parallel = ParallelStep(model, cfg.threads, seed=cfg.seed) if cfg.threads > 1 else None
    for epoch in range(1, cfg.epochs + 1):
        order = rng.permutation(n) if probs is None else rng.choice(n, size=n, p=probs)
        tally = EpochTally(epoch, batches)
        for b in range(batches):
            idx = order[b * main:(b + 1) * main]
            x = to_float(images[idx])
            y = labels[idx].astype(np.int64)
            if extra:
                pick = rng.integers(len(mix.labels), size=extra)
                x = np.concatenate([x, to_float(mix.images[pick])])
                y = np.concatenate([y, mix.labels[pick].astype(np.int64)])
            if cfg.augment is not None:
                x = augment(x, rng, cfg.augment, labels=y)
            if parallel is None:
                logits = model.forward(x)
                teachers = () if distill is None else (distill.logits(x),)
                loss = loss_fn.forward(logits, y, *teachers)
                model.backward(loss_fn.backward(), input_grad=False)
            else:
                loss, logits = parallel.forward_backward(x, y)
            opt.lr = cosine_lr(cfg, (epoch - 1) * batches + b, total_steps)
            opt.step()
            tally.add(loss, logits, y)
            if on_progress:
                on_progress(tally.progress(b + 1))
        history.append(tally.entry())
        if on_epoch:
            model.train(False)
            on_epoch(history[-1])
            model.train(True)
    model.train(False)
    return history


def evaluate(model: Sequential, images: np.ndarray, labels: np.ndarray) -> dict:
    """Accuracy and the 10x10 confusion matrix (rows: true digit, columns: predicted)."""
    pred = model.predict_proba(to_float(images)).argmax(1)
    confusion = np.zeros((10, 10), dtype=np.int64)
    np.add.at(confusion, (labels.astype(np.int64), pred), 1)
    return {"accuracy": float((pred == labels).mean()) if len(labels) else 0.0,
            "confusion": confusion.tolist(), "count": int(len(labels))}


def train_mnist(arch: str, data: dict[str, np.ndarray], cfg: TrainConfig, *,
                on_progress: Callable[[Progress], None] | None = None, mix: Mix | None = None,
                arch_options: dict | None = None, start_from: Sequential | None = None,
                distill: Distillation | None = None) -> tuple[Sequential, dict]:
    """Builds `arch` (with arch_options for its spec, e.g. cnn widths) from the seed, or continues `start_from`,
    trains it on MNIST train (plus mix's share of each batch), and returns it with its metrics."""
    model = start_from or build(arch, seed=cfg.seed, **(arch_options or {}))
    started = time.perf_counter()
    history = fit(model, data["x_train"], data["y_train"], cfg, on_progress=on_progress, mix=mix, distill=distill)
    seconds = time.perf_counter() - started
    test = evaluate(model, data["x_test"], data["y_test"])
    metrics = {"arch": arch, "mnist_test_accuracy": round(test["accuracy"], 4),
               "confusion": test["confusion"], "epochs": history, "training_seconds": round(seconds, 1),
               "seed": cfg.seed, "config": {"epochs": cfg.epochs, "batch_size": cfg.batch_size, "lr": cfg.lr,
                                            "weight_decay": cfg.weight_decay, "threads": cfg.threads,
                                            "augment": cfg.augment is not None,
                                            "redraw_share": cfg.augment.redraw_p if cfg.augment else 0.0,
                                            "mix_share": mix.share if mix is not None else 0.0,
                                            "arch_options": arch_options or {}}}
    if distill is not None:
        metrics["config"]["distillation"] = {"teachers": len(distill.teachers), "weight": distill.weight,
                                             "temperature": distill.temperature}
    return model, metrics
