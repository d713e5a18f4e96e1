"""The operator reader learns from relabelled drawings in the same run as the digit reader.

When labelled drawings hold operators, the active operator reader is fine-tuned on every symbol of them (digits
too, so that it keeps telling digits from operators), each seen in many augmented views, with its own training
pieces (WEIGHTS_DIR/operator_inputs.npz) replayed in every batch, then moved back part of the way to the active
weights as the digit reader is (RETRAIN_INTERPOLATE). It is judged like a digit candidate: at most
RETRAIN_MAX_MNIST_DROP down on the replayed set's test pieces (never trained on), and McNemar on the symbols of the
held-out drawings. Its version (arch "operators") is stored, promoted and rolled back as a digit reader's.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from django.conf import settings

from recognizer import operators, serving, weights_store
from recognizer.models import OPERATORS_ARCH, ModelVersion
from recognizer.nn.augment import AugmentConfig, augment
from recognizer.nn.losses import SoftmaxCrossEntropy
from recognizer.nn.model import Sequential
from recognizer.nn.optim import Adam
from recognizer.nn.train import cosine
from recognizer.operator_data import REPLAY_FILE
from submissions.training_data import labelled_pieces

from .finetune import FinetuneConfig, config_from_settings, move_toward, steps_for
from .gate import gate

# What a class means in an expression: reading a raised dot where a × was drawn is right.
MEANING = np.array([0] + [1 + "+-×÷=".index(operators.MEANS[name]) for name in operators.CLASSES[1:]])
# A geometry feature is jittered by this share of itself in each augmented view.
GEOMETRY_JITTER = 0.05


@dataclass
class Pieces:
    x: np.ndarray            # uint8 (N, 28, 28)
    geometry: np.ndarray     # float32 (N, operators.GEOMETRY)
    y: np.ndarray            # class (N,)

    def __len__(self) -> int:
        return len(self.y)

    def take(self, rows) -> Pieces:
        return Pieces(self.x[rows], self.geometry[rows], self.y[rows])


@dataclass
class OperatorSet:
    train: Pieces            # symbols of labelled drawings
    holdout: Pieces          # symbols of held-out labelled drawings (submission id a multiple of HOLDOUT_EVERY)
    replay: Pieces           # the reader's own training pieces
    test: Pieces             # pieces of the same kind it never trained on

    @property
    def operators_to_learn(self) -> int:
        return int((self.train.y != operators.DIGIT).sum())


def _empty() -> Pieces:
    return Pieces(np.zeros((0, 28, 28), np.uint8), np.zeros((0, operators.GEOMETRY), np.float32), np.zeros(0, int))


def replay_pieces() -> tuple[Pieces, Pieces]:
    """(train, test) of WEIGHTS_DIR/operator_inputs.npz, or empty ones without the file."""
    path = Path(settings.WEIGHTS_DIR) / REPLAY_FILE
    if not path.exists():
        return _empty(), _empty()
    with np.load(path, allow_pickle=False) as f:
        every = Pieces(f["x"], f["geometry"].astype(np.float32), f["y"].astype(int))
        test = f["test"]
    return every.take(~test), every.take(test)


def operator_set() -> OperatorSet | None:
    """The labelled symbols, split into training and holdout, with the replayed pieces; None (and the replay file
    not read) when no operator is there to learn."""
    pieces = labelled_pieces(include_visitor_labels=settings.RETRAIN_VISITOR_LABELS)
    labelled = Pieces(pieces["x"], pieces["geometry"], pieces["y"].astype(int))
    held = pieces["ids"] % settings.RETRAIN_HOLDOUT_EVERY == 0
    train = labelled.take(~held)
    if not (train.y != operators.DIGIT).any():
        return None
    replay, test = replay_pieces()
    return OperatorSet(train=train, holdout=labelled.take(held), replay=replay, test=test)


def read_right(network: Sequential, pieces: Pieces) -> np.ndarray:
    """Per piece, whether the reader's class means what was drawn."""
    if not len(pieces):
        return np.zeros(0, bool)
    found = network.predict_proba(operators.features(network, pieces.x.astype(np.float32) / 255, pieces.geometry))
    return MEANING[found.argmax(1)] == MEANING[pieces.y]


def measure(network: Sequential, data: OperatorSet) -> tuple[dict, np.ndarray]:
    test, right = read_right(network, data.test), read_right(network, data.holdout)
    return {"test_accuracy": round(float(test.mean()), 5) if len(test) else 1.0, "test_count": len(test),
            "holdout_accuracy": round(float(right.mean()), 5) if len(right) else None,
            "holdout_correct": int(right.sum()), "holdout_count": len(right)}, right


def finetune_reader(network: Sequential, data: OperatorSet, cfg: FinetuneConfig) -> list[dict]:
    """Fine-tunes `network` in place with Adam, a cosine schedule and the digit reader's recipe (`cfg`: views per
    symbol, replay share, steps, how far to move); returns per-epoch {epoch, loss, steps}."""
    rng = np.random.default_rng(cfg.seed)
    params = network.parameters()
    start = [p.value.copy() for p in params]
    replay = int(round(cfg.batch_size * cfg.replay_share)) if len(data.replay) else 0
    own = cfg.batch_size - replay
    steps = steps_for(cfg, len(data.train), own)
    total = steps * cfg.epochs
    opt, loss_fn = Adam(params, lr=cfg.lr), SoftmaxCrossEntropy()
    queue, history = np.zeros(0, np.int64), []
    network.train(True)
    for epoch in range(1, cfg.epochs + 1):
        losses = []
        for step in range(steps):
            while len(queue) < own:
                queue = np.concatenate([queue, rng.permutation(len(data.train))])
            mine, queue = data.train.take(queue[:own]), queue[own:]
            views = augment(mine.x.astype(np.float32) / 255, rng, AugmentConfig())
            jitter = 1 + rng.normal(0, GEOMETRY_JITTER, mine.geometry.shape).astype(np.float32)
            replayed = data.replay.take(rng.integers(len(data.replay), size=replay))
            x = np.concatenate([views, replayed.x.astype(np.float32) / 255])
            g = np.concatenate([mine.geometry * jitter, replayed.geometry])
            y = np.concatenate([mine.y, replayed.y])
            losses.append(loss_fn.forward(network.forward(operators.features(network, x, g)), y))
            network.backward(loss_fn.backward(), input_grad=False)
            opt.lr = cosine(cfg.lr, cfg.lr / 20, (epoch - 1) * steps + step, total)
            opt.step()
        history.append({"epoch": epoch, "loss": round(float(np.mean(losses)), 5), "steps": steps})
    network.train(False)
    move_toward(params, start, cfg.interpolate)
    return history


@dataclass
class Outcome:
    base: ModelVersion
    network: Sequential
    meta: dict
    promote: bool
    reason: str
    metrics: dict


def train_operator_candidate(*, seed: int) -> Outcome | None:
    """A fine-tuned candidate of the active operator reader and the gate's verdict on it; None when there is no
    operator reader or no labelled operator to learn from."""
    data = operator_set()
    if data is None:
        return None
    active = serving.active_version(OPERATORS_ARCH)
    if active is None:
        return None
    network, meta = weights_store.load_network(active)
    before, active_right = measure(network, data)
    candidate = copy.deepcopy(network)
    # The digit reader's recipe from the settings (not a run's own options), at most RETRAIN_OPERATOR_MAX_STEPS an epoch.
    cfg = replace(config_from_settings(epochs=settings.RETRAIN_EPOCHS, batch_size=settings.RETRAIN_BATCH_SIZE,
                                       lr=settings.RETRAIN_LR, seed=seed),
                  max_steps=settings.RETRAIN_OPERATOR_MAX_STEPS)
    history = finetune_reader(candidate, data, cfg)
    after, candidate_right = measure(candidate, data)
    promote, reason = gate(before, after, active_right=active_right, candidate_right=candidate_right,
                           test="test_accuracy", test_name="operator test pieces", rule="operator test",
                           unit="symbols")
    metrics = {**after, "before": before, "epochs": history, "base_version": active.version,
               "symbols_trained": len(data.train), "operators_trained": data.operators_to_learn,
               "replayed_from": len(data.replay)}
    return Outcome(base=active, network=candidate, meta=meta, promote=promote, reason=reason, metrics=metrics)


def register(outcome: Outcome, *, run_pk: int) -> tuple[ModelVersion, str]:
    """Stores the candidate (call inside the run's deciding transaction) and serves it when the gate promoted it and
    the reader it was measured against is still the active one. Returns the version and what happened, in words."""
    promote, reason = outcome.promote, outcome.reason
    now_active = serving.active_version(OPERATORS_ARCH)
    if promote and now_active != outcome.base:
        promote, reason = False, f"{now_active} was activated during the run; this candidate was measured against " \
                                 f"{outcome.base}"
    version = weights_store.next_version(OPERATORS_ARCH)
    stored = weights_store.store_version(
        outcome.network, arch=OPERATORS_ARCH, version=version, rejected=not promote,
        metrics={**outcome.metrics, "version": version, "run": run_pk},
        meta={**outcome.meta, "version": version, "run": run_pk})
    if promote:
        serving.activate(stored)
    return stored, f"operators: {'promoted' if promote else 'kept ' + outcome.base.version + ', rejected'} " \
                   f"{version}: {reason}"
