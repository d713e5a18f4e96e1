"""Fine-tuning the active network on a few labelled drawings without forgetting: every drawing seen in many fresh
augmentations, MNIST (and pen-drawn) digits replayed in every batch, optionally pulled toward the active weights,
and optionally moved part of the way back to them at the end (weight-space ensembling: the two networks' weights
averaged keep most of what fine-tuning learnt and most of what the start knew)."""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from django.conf import settings

from recognizer.nn.augment import AugmentConfig, augment
from recognizer.nn.average import WeightAverage
from recognizer.nn.losses import DistillationLoss, SoftmaxCrossEntropy, softmax
from recognizer.nn.layers import Dense
from recognizer.nn.model import Sequential
from recognizer.nn.optim import SGD, Adam
from recognizer.nn.train import EpochTally, Progress, cosine, to_float

from .data import TrainingSet
from .neighbours import interfered_digits


@dataclass(frozen=True)
class FinetuneConfig:
    epochs: int
    batch_size: int
    lr: float
    variants: int          # augmented views of each drawing per epoch
    replay_share: float    # share of every batch replayed from MNIST (and pen inputs)
    pen_share: float       # share of the replay taken from the pen inputs
    l2sp: float            # strength of the pull toward the starting weights
    distill: float         # weight of the starting network's answers in the replayed digits' targets
    interpolate: float     # how far from the starting weights toward the fine-tuned ones the result lies (WiSE-FT)
    min_steps: int
    max_steps: int
    seed: int
    layers: str = "all"    # "all", or "dense": the convolutions stay as they are and only the dense layers learn
    optimiser: str = "adam"  # or "sgd" (momentum 0.9): steps in proportion to each gradient, none where it is ~0
    augment_replay: bool = True  # the replayed digits augmented too, or shown as they are
    hard_weight: int = 1   # drawings the starting network misreads are seen this many times as often as the rest
    ewc: float = 0.0       # strength of the pull toward the starting weights, each weighted by its MNIST Fisher
    swa: float = 0.0       # share of the last steps whose weights are averaged into the result (0: the last step's)
    distill_temperature: float = 1.0  # both networks' logits divided by it in the distillation term (Hinton et al.)
    neighbours: int = 0    # MNIST digits of other classes nearest to each drawing, replayed more (neighbours.py)
    neighbour_share: float = 0.0  # share of the replayed MNIST digits drawn from those neighbours


def trained_parameters(model: Sequential, layers: str) -> list:
    if layers == "dense":
        return [p for layer in model.layers if isinstance(layer, Dense) for p in layer.parameters()]
    return model.parameters()


def config_from_settings(*, epochs: int, batch_size: int, lr: float, seed: int) -> FinetuneConfig:
    """The fine-tuning recipe of the RETRAIN_* settings, for a run of these epochs, batch size, rate and seed."""
    return FinetuneConfig(epochs=epochs, batch_size=batch_size, lr=lr, variants=settings.RETRAIN_VARIANTS,
                          replay_share=settings.RETRAIN_REPLAY_SHARE, pen_share=settings.RETRAIN_PEN_SHARE,
                          l2sp=settings.RETRAIN_L2SP, distill=settings.RETRAIN_DISTILL,
                          interpolate=settings.RETRAIN_INTERPOLATE, min_steps=settings.RETRAIN_MIN_STEPS,
                          max_steps=settings.RETRAIN_MAX_STEPS, seed=seed, layers=settings.RETRAIN_LAYERS,
                          optimiser=settings.RETRAIN_OPTIMISER, augment_replay=settings.RETRAIN_AUGMENT_REPLAY,
                          hard_weight=settings.RETRAIN_HARD_WEIGHT, ewc=settings.RETRAIN_EWC,
                          swa=settings.RETRAIN_SWA, distill_temperature=settings.RETRAIN_DISTILL_TEMPERATURE,
                          neighbours=settings.RETRAIN_NEIGHBOURS, neighbour_share=settings.RETRAIN_NEIGHBOUR_SHARE)


def steps_for(cfg: FinetuneConfig, items: int, per_batch: int) -> int:
    """Batches an epoch for `items` examples, `per_batch` of them in each, each seen cfg.variants times."""
    wanted = math.ceil(items * cfg.variants / per_batch) if per_batch else 0
    return min(max(wanted, cfg.min_steps), cfg.max_steps)


def steps_per_epoch(cfg: FinetuneConfig, drawings: int) -> int:
    return steps_for(cfg, drawings, drawings_per_batch(cfg, drawings))


def move_toward(params: list, start: list[np.ndarray], share: float) -> None:
    """Puts each parameter `share` of the way from its start to where training left it (WiSE-FT; 1: as it is)."""
    if share != 1:
        for p, p0 in zip(params, start):
            p.value[...] = p0 + share * (p.value - p0)


def drawing_pool(model: Sequential, data: TrainingSet, hard_weight: int) -> np.ndarray:
    """The drawings' indices for one round: each drawing once, and those `model` misreads hard_weight times."""
    everyone = np.arange(data.drawings_train)
    if hard_weight <= 1 or not data.drawings_train:
        return everyone
    misread = np.flatnonzero(model.predict_logits(to_float(data.x_drawings)).argmax(axis=1) != data.y_drawings)
    return np.concatenate([everyone] + [misread] * (hard_weight - 1))


def fisher_diagonal(model: Sequential, params: list, x: np.ndarray, rng: np.random.Generator, *,
                    batches: int = 64, size: int = 32) -> list[np.ndarray]:
    """The diagonal of the Fisher information of `model` on images x (uint8) for `params`, scaled to mean 1: how
    much each parameter matters to what the network answers there (elastic weight consolidation, Kirkpatrick et
    al. 2017). E[g^2], g the gradient of log p(y|x) with y drawn from the network's own answer; such gradients
    have mean zero, so a batch's mean gradient squared is E[g^2] / size on average, and the scaling to mean 1
    takes the constant away: `batches` backward passes rather than one per image."""
    model.train(False)
    total = [np.zeros_like(p.value) for p in params]
    for _ in range(batches):
        images = to_float(x[rng.integers(len(x), size=size)])
        probs = softmax(model.forward(images))
        drawn = (rng.random((size, 1)) > probs.cumsum(axis=1)).sum(axis=1).clip(0, 9)
        dlogits = probs
        dlogits[np.arange(size), drawn] -= 1
        model.backward(dlogits / size, input_grad=False)
        for t, p in zip(total, params):
            t += p.grad.astype(np.float64) ** 2
    mean = sum(t.sum() for t in total) / sum(t.size for t in total)
    return [(t / mean).astype(p.value.dtype) for t, p in zip(total, params)]


def anchor_weights(model: Sequential, params: list, data: TrainingSet, cfg: FinetuneConfig,
                   rng: np.random.Generator) -> list:
    """For each parameter, how hard fine-tuning pulls it back toward its start: L2-SP alike for all, plus EWC
    in proportion to its Fisher information on MNIST train (what replay alone may not hold)."""
    if not (cfg.l2sp or cfg.ewc):
        return []
    fisher = fisher_diagonal(model, params, data.x_mnist, rng) if cfg.ewc else [0.0] * len(params)
    return [cfg.l2sp + cfg.ewc * f for f in fisher]


def replayed_mnist(data: TrainingSet, near: np.ndarray, share: float, count: int,
                   rng: np.random.Generator) -> np.ndarray:
    """`count` MNIST train indices for one batch: `share` of them from `near` (the drawings' neighbours), the rest
    from all of MNIST train."""
    from_near = int(round(count * share)) if len(near) else 0
    if not from_near:
        return rng.integers(len(data.y_mnist), size=count)
    return np.concatenate([near[rng.integers(len(near), size=from_near)],
                           rng.integers(len(data.y_mnist), size=count - from_near)])


def drawings_per_batch(cfg: FinetuneConfig, drawings: int) -> int:
    return 0 if drawings == 0 else cfg.batch_size - int(round(cfg.batch_size * cfg.replay_share))


def finetune(model: Sequential, data: TrainingSet, cfg: FinetuneConfig,
             on_progress: Callable[[Progress], None] | None = None, teacher: Sequential | None = None) -> list[dict]:
    """Trains `model` in place with Adam and a cosine schedule; returns per-epoch {epoch, loss, accuracy, seconds}.
    With a teacher (the starting network) and cfg.distill, replayed digits are also pulled toward its answers."""
    rng = np.random.default_rng(cfg.seed)
    params = trained_parameters(model, cfg.layers)
    start = [p.value.copy() for p in params]
    pulls = anchor_weights(model, params, data, cfg, rng)
    opt = SGD(params, lr=cfg.lr, momentum=0.9) if cfg.optimiser == "sgd" else Adam(params, lr=cfg.lr)
    loss_fn = SoftmaxCrossEntropy()
    hinton = DistillationLoss(cfg.distill, cfg.distill_temperature)
    n = data.drawings_train
    own = drawings_per_batch(cfg, n)
    replay = cfg.batch_size - own
    pen = int(round(replay * cfg.pen_share)) if len(data.y_pen) else 0
    batches = steps_per_epoch(cfg, n)
    total = batches * cfg.epochs
    pool = drawing_pool(model, data, cfg.hard_weight)
    near = interfered_digits(model, data.x_drawings, data.y_drawings, data.x_mnist, data.y_mnist,
                             cfg.neighbours) if cfg.neighbour_share else np.zeros(0, np.int64)
    queue = np.zeros(0, np.int64)
    average = WeightAverage(params, cfg.swa, total)
    history = []
    model.train(True)
    for epoch in range(1, cfg.epochs + 1):
        tally = EpochTally(epoch, batches)
        for b in range(batches):
            while len(queue) < own:     # the whole pool once before any of it twice
                queue = np.concatenate([queue, rng.permutation(pool)])
            take, queue = queue[:own], queue[own:]
            m = replayed_mnist(data, near, cfg.neighbour_share, replay - pen, rng)
            q = rng.integers(len(data.y_pen), size=pen) if pen else np.zeros(0, np.int64)
            x = to_float(np.concatenate([data.x_drawings[take], data.x_mnist[m], data.x_pen[q]]))
            y = np.concatenate([data.y_drawings[take], data.y_mnist[m], data.y_pen[q]]).astype(np.int64)
            if cfg.augment_replay:
                x = augment(x, rng, AugmentConfig(), labels=y)
            elif own:           # the replayed digits as they are: what MNIST test measures
                x[:own] = augment(x[:own], rng, AugmentConfig(), labels=y[:own])
            logits = model.forward(x)
            loss = loss_fn.forward(logits, y)
            dlogits = loss_fn.backward()
            if teacher is not None and cfg.distill and replay:    # Hinton's loss on the replayed digits
                hinton.forward(logits[own:], y[own:], teacher.predict_logits(x[own:]))
                dlogits[own:] = hinton.backward() * (replay / len(y))     # a mean over the replay -> over the batch
            model.backward(dlogits, input_grad=False)
            for p, p0, pull in zip(params, start, pulls):
                p.grad[...] += pull * (p.value - p0)
            step = (epoch - 1) * batches + b
            opt.lr = cosine(cfg.lr, cfg.lr / 20, step, total)
            opt.step()
            average.after_step(step)
            tally.add(loss, logits, y)
            if on_progress:
                on_progress(tally.progress(b + 1))
        history.append(tally.entry())
    model.train(False)
    average.apply()
    move_toward(params, start, cfg.interpolate)
    return history
