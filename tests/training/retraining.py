"""Helpers for the retraining tests: a small slice of MNIST, tiny networks as the active weights, labelled drawings,
a worker."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from functools import lru_cache
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db import connection

from recognizer.nn import data as nndata
from recognizer.nn.model import Sequential, from_architecture, mlp_spec
from recognizer.nn.train import TrainConfig, fit
from submissions.models import Submission
from submissions.services import submission_relabel
from tests.nn.synthetic import tiny_mnist
from tests.submissions.factories import labeller, make_submission
from training.data import TrainingSet

ROOT = Path(__file__).resolve().parent.parent.parent
REAL_MNIST = Path(settings.DATA_DIR) / "mnist.npz"
TINY_SPEC = mlp_spec(hidden=32, dropout=0.0)

# Small enough that a run takes a second or two, big enough that a candidate is measurably better or worse.
TINY_SETTINGS = {"RETRAIN_EPOCHS": 1, "RETRAIN_BATCH_SIZE": 64, "RETRAIN_LR": 2e-3, "RETRAIN_SCRATCH_LR": 2e-3,
                 # the tiny networks start untrained, and some tests shuffle the labels to make a run worse: what
                 # they exercise is replaying labels (distillation: test_finetune_distillation.py)
                 "RETRAIN_DISTILL": 0.0,
                 "RETRAIN_PROGRESS_SECONDS": 0.1, "SERVED_ARCH": "mlp"}
# Worker processes and the tests that drive them also take a silent run for dead after 5 s, not a minute.
WORKER_SETTINGS = {**TINY_SETTINGS, "RETRAIN_STALE_SECONDS": 5}


@lru_cache(maxsize=1)
def small_mnist(train: int = 3000, test: int = 1000) -> dict[str, np.ndarray]:
    """The first digits of the real MNIST when it is on disk (`make data`), else learnable synthetic ones."""
    if REAL_MNIST.exists():
        full = nndata.load_mnist(REAL_MNIST)
        return {"x_train": full["x_train"][:train], "y_train": full["y_train"][:train],
                "x_test": full["x_test"][:test], "y_test": full["y_test"][:test]}
    return tiny_mnist(train, test)


def write_mnist(data_dir: Path, *, shuffle_labels: bool = False) -> dict[str, np.ndarray]:
    """Puts the small MNIST in data_dir/mnist.npz; shuffled training labels make any retrain worse."""
    data = dict(small_mnist())
    if shuffle_labels:
        data["y_train"] = np.random.default_rng(0).permutation(data["y_train"])
    nndata.save_mnist(data, Path(data_dir) / "mnist.npz")
    return data


def replay_with_wrong_labels() -> TrainingSet:
    """MNIST to replay whose labels are all shifted by one, and no drawings of a visitor."""
    mnist = small_mnist()
    empty = np.zeros((0, 28, 28), np.uint8), np.zeros(0, np.uint8)
    return TrainingSet(x_mnist=mnist["x_train"], y_mnist=(mnist["y_train"] + 1) % 10, x_drawings=empty[0],
                       y_drawings=empty[1], x_pen=empty[0], y_pen=empty[1], x_test=mnist["x_test"],
                       y_test=mnist["y_test"], x_holdout=empty[0], y_holdout=empty[1])


def tiny_network(*, trained: bool = False, seed: int = 0) -> Sequential:
    model = from_architecture(TINY_SPEC, seed=seed)
    if trained:
        data = small_mnist()
        fit(model, data["x_train"], data["y_train"], TrainConfig(epochs=3, batch_size=64, lr=3e-3, augment=None))
    return model


def install_shipped(weights_dir: Path, *, trained: bool = False) -> Sequential:
    """A tiny network as the shipped mlp (version mlp-1) in weights_dir."""
    model = tiny_network(trained=trained)
    model.save(Path(weights_dir) / "mlp.npz", meta={"version": "mlp-1"})
    (Path(weights_dir) / "mlp.json").unlink(missing_ok=True)
    return model


def labelled_drawings(count: int, *, seed: int = 3, by=None) -> list[Submission]:
    """`count` stored one-digit drawings whose 28x28 inputs are MNIST test digits, each labelled by staff with its
    digit in the review (half of them read wrongly by the network first), in submission id order."""
    data = small_mnist()
    by = by or labeller(f"labeller-{seed}")
    drawings = []
    for n, i in enumerate(np.random.default_rng(seed).choice(len(data["x_test"]), count, replace=False)):
        digit = str(data["y_test"][i])
        read = digit if n % 2 else str((int(digit) + 1) % 10)
        submission = make_submission(read, seed=n)
        Submission.objects.filter(pk=submission.pk).update(inputs=data["x_test"][i].tobytes())
        submission_relabel(submission=submission, label=digit, by=by)
        drawings.append(submission)
    return drawings


def database_url() -> str:
    """The test database as a URL another process can open (SQLite file or PostgreSQL test_<name>)."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class Worker:
    """A real `celery -A digitsite worker` process on the test database, a Redis and the tests' folders."""

    def __init__(self, *, redis_url: str, weights_dir: Path, data_dir: Path, log: Path,
                 name: str = "retrain-tests@%h"):
        self.name, self.log, self.proc = name, log, None
        self.env = {**os.environ, "DJANGO_SETTINGS_MODULE": "digitsite.settings.test", "REDIS_URL": redis_url,
                    "DATABASE_URL": database_url(), "WEIGHTS_DIR": str(weights_dir), "DATA_DIR": str(data_dir),
                    "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "LOG_LEVEL": "INFO",
                    **{k: str(v) for k, v in WORKER_SETTINGS.items()}}

    def start(self, timeout: float = 60) -> None:
        offset = self.log.stat().st_size if self.log.exists() else 0
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(
                [str(Path(sys.executable).parent / "celery"), "-A", "digitsite", "worker", "-n", self.name,
                 "--concurrency", "1", "--loglevel", "INFO", "--without-gossip", "--without-mingle",
                 "--without-heartbeat"],
                cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)

        def ready() -> bool:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the worker exited ({self.proc.returncode}):\n{self.output()}")
            return b" ready." in self.log.read_bytes()[offset:]
        try:
            wait_for(ready, timeout=timeout, what="the worker to start", interval=0.2)
        except AssertionError as exc:
            raise RuntimeError(f"{exc}:\n{self.output()}") from None

    def kill(self) -> None:
        """SIGKILL to the worker and its pool processes, as an out-of-memory killer or a power cut would."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:] if self.log.exists() else ""


def wait_for(predicate, *, timeout: float, what: str, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")
