"""Retraining: MNIST plus labelled drawings, fine-tuned from the active weights, gated, then promoted or not.

A run is requested (retrain_request), then executed once (execute_run) by a Celery worker, by a thread of
the web process when there is no Redis, or in the foreground by the `retrain` command. One run at a time.
"""
from __future__ import annotations

import logging
import os
import re
import socket
import threading
import time
import traceback
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, timedelta
from pathlib import Path
from typing import Callable, Iterator

import numpy as np
import redis
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import close_old_connections, connections, transaction
from django.db.models import Q
from django.utils import timezone
from kombu.exceptions import OperationalError

from . import serving
from .datasets import load_mnist
from .models import ModelVersion, TrainingRun
from .nn.augment import AugmentConfig
from .nn.model import Sequential, from_architecture, load
from .nn.train import Progress, TrainConfig, evaluate, fit

log = logging.getLogger(__name__)
Status = TrainingRun.Status
IN_PROGRESS = (Status.QUEUED, Status.RUNNING)
RUN_TASK = "recognizer.run_training"

# (include_visitor_labels) -> uint8 digits (N, 28, 28), labels (N,), their submission ids (N,)
DrawingSource = Callable[..., tuple[np.ndarray, np.ndarray, np.ndarray]]


class RetrainError(Exception):
    """A retrain that cannot start; the message is meant for the person who asked."""


class RetrainBusy(RetrainError):
    def __init__(self, message: str, run: TrainingRun | None = None):
        super().__init__(message)
        self.run = run


class RetrainUnavailable(RetrainError):
    """Redis is configured but does not answer: nothing can be queued (recognition is not affected)."""


class RunAbandoned(Exception):
    """The run's row left `running` while it trained (cancelled, or taken for dead): stop without promoting."""


def labelled_drawings(*, include_visitor_labels: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    from submissions.services import labelled_digits  # submissions imports the recognizer, not the other way

    return labelled_digits(include_visitor_labels=include_visitor_labels)


# Locks ---------------------------------------------------------------------------------------------------

_local_locks: defaultdict[str, threading.Lock] = defaultdict(threading.Lock)
REQUEST_LOCK = "digitsite:retrain:request"
TRAINING_LOCK = "digitsite:retrain:training"


def redis_client() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=5)


def redis_down(exc: Exception) -> RetrainUnavailable:
    return RetrainUnavailable(f"Redis does not answer ({type(exc).__name__}), so the "
                              "retrain cannot be queued. Recognition is not affected; try again when Redis is back.")


@contextmanager
def exclusive(name: str, *, timeout: float, token: str | None = None, busy: str) -> Iterator[Callable[[], None]]:
    """Holds lock `name`: in Redis (with a timeout, so a killed holder cannot keep it) when REDIS_URL is set,
    else in this process. Raises RetrainBusy(busy) when it is held; yields a function that extends it."""
    if not settings.REDIS_URL:
        local = _local_locks[name]
        if not local.acquire(blocking=False):
            raise RetrainBusy(busy)
        try:
            yield lambda: None
        finally:
            local.release()
        return
    lock = redis_client().lock(name, timeout=timeout, thread_local=False)
    try:
        acquired = lock.acquire(blocking=False, token=token)
    except redis.RedisError as exc:
        raise redis_down(exc) from exc
    if not acquired:
        raise RetrainBusy(busy)
    try:
        yield lambda: lock.extend(timeout, replace_ttl=True)
    finally:
        try:
            lock.release()
        except redis.RedisError:
            log.warning("could not release %s (expired, or Redis went away)", name)


def release_run_lock(run_id: int) -> None:
    """Frees the training lock a dead run still holds (its token is `run-<id>`), so the next run need not wait."""
    if not settings.REDIS_URL:
        return
    lock = redis_client().lock(TRAINING_LOCK, thread_local=False)
    lock.local.token = f"run-{run_id}".encode()
    try:
        lock.release()
    except redis.RedisError:
        pass  # not held by that run any more


# Requesting a run ----------------------------------------------------------------------------------------

def executor_for(*, foreground: bool) -> str:
    if settings.REDIS_URL:
        return "celery"
    return "inline" if foreground else "thread"


def retrain_request(*, arch: str, trigger: str, by: AbstractBaseUser | None = None, epochs: int | None = None,
                    from_scratch: bool = False, foreground: bool = False) -> TrainingRun:
    """Records a queued run and hands it to its executor.

    With REDIS_URL set it is queued for a Celery worker; without, it trains in a thread of this process,
    or (foreground=True, the command) the caller runs execute_run itself. Raises RetrainBusy when a run
    is queued or running, RetrainUnavailable when Redis is configured but down.
    """
    if arch not in serving.ARCHS:
        raise RetrainError(f"Unknown arch {arch!r}: choose one of {', '.join(serving.ARCHS)}.")
    if epochs is not None and epochs < 1:
        raise RetrainError("epochs must be at least 1.")
    executor = executor_for(foreground=foreground)
    with exclusive(REQUEST_LOCK, timeout=30, busy="Another retrain request is being handled; try again."):
        fail_stale_runs()
        current = TrainingRun.objects.filter(status__in=IN_PROGRESS).first()
        if current is not None:
            raise RetrainBusy(f"Run {current.pk} ({current.arch}) is {current.status}: one training run at a time. "
                              "Wait for it to finish.", current)
        options = {"epochs": epochs or settings.RETRAIN_EPOCHS, "from_scratch": from_scratch,
                   "seed": settings.RETRAIN_SEED, "batch_size": settings.RETRAIN_BATCH_SIZE,
                   "lr": settings.RETRAIN_SCRATCH_LR if from_scratch else settings.RETRAIN_LR}
        with transaction.atomic():
            run = TrainingRun.objects.create(arch=arch, trigger=trigger, requested_by=by, executor=executor,
                                             options=options)
            if executor == "celery":
                transaction.on_commit(lambda: _queue(run))
            elif executor == "thread":
                transaction.on_commit(lambda: _start_thread(run))
    return run


def _queue(run: TrainingRun) -> None:
    """Sends the task by name through our app to REDIS_URL, whatever Celery app is current in this process."""
    from digitsite.celery import app

    try:
        with app.connection_for_write(settings.REDIS_URL) as connection:
            app.send_task(RUN_TASK, args=[run.pk], connection=connection, retry=False)
    except (OperationalError, redis.RedisError, OSError) as exc:
        error = redis_down(exc)
        fail_run(run.pk, reason="could not be queued: Redis does not answer", error=str(error))
        raise error from exc


def _start_thread(run: TrainingRun) -> None:
    def target():
        try:
            execute_run(run_id=run.pk)
        finally:
            close_old_connections()

    threading.Thread(target=target, name=f"retrain-{run.pk}", daemon=True).start()


# Runs that died -------------------------------------------------------------------------------------------

def fail_run(run_id: int, *, reason: str, error: str = "", where: Q = Q()) -> bool:
    """Marks a queued or running run failed (a no-op for finished ones, or when `where` no longer holds); frees
    its lock. True if it changed."""
    changed = _finish(run_id, Status.FAILED, reason=reason, error=error, only_if=IN_PROGRESS, where=where)
    if changed:
        release_run_lock(run_id)
        log.warning("run %s failed: %s", run_id, reason)
    return changed


def fail_stale_runs() -> list[int]:
    """Running runs whose heartbeat is older than RETRAIN_STALE_SECONDS died with their worker, however it was
    stopped or restarted: they fail and free the training lock, so the next run can start."""
    stale = settings.RETRAIN_STALE_SECONDS
    cutoff = timezone.now() - timedelta(seconds=stale)
    failed = []
    for run in TrainingRun.objects.filter(status=Status.RUNNING, heartbeat_at__lt=cutoff):
        reason = (f"the worker stopped sending heartbeats at {run.heartbeat_at.astimezone(UTC):%Y-%m-%d %H:%M:%S} "
                  f"UTC; marked failed after {stale:g} s without one, the served model is unchanged")
        if fail_run(run.pk, reason=reason, where=Q(heartbeat_at__lt=cutoff)):  # unless it beat meanwhile
            failed.append(run.pk)
    return failed


# Executing a run ------------------------------------------------------------------------------------------

def default_worker_name() -> str:
    return f"{threading.current_thread().name} of pid {os.getpid()} on {socket.gethostname()}"


def _finish(run_id: int, status: str, *, reason: str, error: str = "", only_if=(Status.RUNNING,), where: Q = Q(),
            **fields) -> bool:
    return bool(TrainingRun.objects.filter(where, pk=run_id, status__in=only_if).update(
        status=status, reason=reason[:2000], error=error, finished_at=timezone.now(), **fields))


def execute_run(*, run_id: int, worker: str = "", drawings: DrawingSource | None = None,
                on_progress: Callable[[TrainingRun], None] | None = None) -> TrainingRun:
    """Trains, measures and gates a queued run. Safe to call twice: a run that is not queued is left alone
    (or failed, when it says `running` but its worker is dead)."""
    now = timezone.now()
    claimed = TrainingRun.objects.filter(pk=run_id, status=Status.QUEUED).update(
        status=Status.RUNNING, started_at=now, heartbeat_at=now, worker=worker or default_worker_name())
    run = TrainingRun.objects.get(pk=run_id)
    if not claimed:
        fail_stale_runs()
        run.refresh_from_db()
        log.info("run %s is %s, not queued: nothing to do", run_id, run.status)
        return run
    try:
        with exclusive(TRAINING_LOCK, timeout=settings.RETRAIN_STALE_SECONDS, token=f"run-{run.pk}",
                       busy="another training run holds the training lock") as extend_lock, \
                heartbeats(run.pk, extend_lock):
            _train(run, drawings or labelled_drawings, on_progress)
    except RunAbandoned:
        log.warning("run %s stopped: it was marked %s while training", run_id,
                    TrainingRun.objects.get(pk=run_id).status)
    except RetrainError as exc:
        _finish(run.pk, Status.FAILED, reason=str(exc))
    except Exception as exc:  # a failed run records why instead of leaving a worker's log to find it
        log.exception("run %s failed", run_id)
        _finish(run.pk, Status.FAILED, reason=f"{type(exc).__name__}: {exc}"[:500], error=traceback.format_exc())
    run.refresh_from_db()
    return run


@contextmanager
def heartbeats(run_id: int, extend_lock: Callable[[], None]) -> Iterator[None]:
    """Beats for the run from a thread of its own every RETRAIN_STALE_SECONDS / 4, extending its lock as well, so
    no long step (loading data, measuring, a slow batch) makes a live run look dead. Stops when the run is no
    longer running: the training thread finds out at its next report or before promoting."""
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(settings.RETRAIN_STALE_SECONDS / 4):
                try:
                    if not TrainingRun.objects.filter(pk=run_id, status=Status.RUNNING).update(
                            heartbeat_at=timezone.now()):
                        return
                    extend_lock()
                except Exception:  # the database or Redis hiccuped: the next beat may get through
                    log.warning("run %s: heartbeat not written", run_id, exc_info=True)
        finally:
            connections.close_all()  # this thread's connections

    thread = threading.Thread(target=beat, name=f"retrain-{run_id}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


@dataclass
class Data:
    x_train: np.ndarray
    y_train: np.ndarray
    weights: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    x_holdout: np.ndarray
    y_holdout: np.ndarray
    mnist_train: int
    drawings_train: int


def drawing_weights(mnist: int, drawings: int) -> np.ndarray:
    """Sampling weights: MNIST digits 1 each; drawings together RETRAIN_DRAWING_SHARE of an epoch, each at
    most RETRAIN_MAX_OVERSAMPLE."""
    if drawings == 0:
        return np.ones(mnist)
    share = settings.RETRAIN_DRAWING_SHARE
    each = min(share / (1 - share) * mnist / drawings, settings.RETRAIN_MAX_OVERSAMPLE)
    return np.concatenate([np.ones(mnist), np.full(drawings, max(each, 1.0))])


def gather_data(source: DrawingSource) -> Data:
    mnist = load_mnist()
    x_d, y_d, ids = source(include_visitor_labels=settings.RETRAIN_VISITOR_LABELS)
    holdout = np.asarray(ids) % settings.RETRAIN_HOLDOUT_EVERY == 0
    x_d = np.asarray(x_d, dtype=np.uint8).reshape(-1, 28, 28)
    y_d = np.asarray(y_d, dtype=np.uint8)
    train_x, train_y = x_d[~holdout], y_d[~holdout]
    return Data(x_train=np.concatenate([mnist["x_train"], train_x]),
                y_train=np.concatenate([mnist["y_train"].astype(np.uint8), train_y]),
                weights=drawing_weights(len(mnist["x_train"]), len(train_x)),
                x_test=mnist["x_test"], y_test=mnist["y_test"], x_holdout=x_d[holdout], y_holdout=y_d[holdout],
                mnist_train=len(mnist["x_train"]), drawings_train=len(train_x))


def measure(model: Sequential, data: Data) -> dict:
    """Accuracy and confusion on MNIST test and on the drawing holdout, with the counts right."""
    mnist = evaluate(model, data.x_test, data.y_test)
    holdout = evaluate(model, data.x_holdout, data.y_holdout)
    return {"mnist_test_accuracy": mnist["accuracy"], "mnist_correct": round(mnist["accuracy"] * mnist["count"]),
            "mnist_count": mnist["count"], "confusion": mnist["confusion"],
            "holdout_accuracy": holdout["accuracy"], "holdout_correct": round(holdout["accuracy"] * holdout["count"]),
            "holdout_count": holdout["count"], "holdout_confusion": holdout["confusion"]}


def gate(before: dict, after: dict) -> tuple[bool, str]:
    """The promotion rule: MNIST no more than RETRAIN_MAX_MNIST_DROP below the active, holdout no lower."""
    drop = settings.RETRAIN_MAX_MNIST_DROP
    problems = []
    if after["mnist_test_accuracy"] < before["mnist_test_accuracy"] - drop - 1e-9:
        problems.append(f"MNIST test accuracy {after['mnist_test_accuracy']:.4f} is more than {drop * 100:.2g} "
                        f"point below the active model's {before['mnist_test_accuracy']:.4f}")
    if after["holdout_correct"] < before["holdout_correct"]:
        problems.append(f"holdout accuracy {after['holdout_accuracy']:.4f} is below the active model's "
                        f"{before['holdout_accuracy']:.4f} ({after['holdout_count']} drawn digits)")
    if problems:
        return False, "; ".join(problems)
    holdout = (f"holdout {after['holdout_accuracy']:.4f} (active {before['holdout_accuracy']:.4f}, "
               f"{after['holdout_count']} drawn digits)" if after["holdout_count"] else "no holdout drawings yet")
    return True, (f"MNIST test {after['mnist_test_accuracy']:.4f} (active {before['mnist_test_accuracy']:.4f}), "
                  f"{holdout}")


def next_version(arch: str) -> str:
    numbers = [int(m.group(1)) for v in ModelVersion.objects.filter(arch=arch).values_list("version", flat=True)
               if (m := re.fullmatch(rf"{arch}-(\d+)", v))]
    n = max(numbers, default=1) + 1
    while (Path(settings.WEIGHTS_DIR) / f"{arch}-{n}.npz").exists():
        n += 1
    return f"{arch}-{n}"


class Reporter:
    """Writes the run's progress and curve (a heartbeat too) at most every RETRAIN_PROGRESS_SECONDS; stops the run
    when its row is no longer `running`."""

    def __init__(self, run: TrainingRun, epochs: int, on_progress: Callable[[TrainingRun], None] | None):
        self.run, self.epochs, self.on_progress = run, epochs, on_progress
        self.last = 0.0

    def heartbeat(self, **fields) -> None:
        if not TrainingRun.objects.filter(pk=self.run.pk, status=Status.RUNNING).update(
                heartbeat_at=timezone.now(), **fields):
            raise RunAbandoned()
        for name, value in fields.items():
            setattr(self.run, name, value)
        if self.on_progress:
            self.on_progress(self.run)

    def __call__(self, p: Progress) -> None:
        epoch_end = p.batch == p.batches
        if not epoch_end and time.monotonic() - self.last < settings.RETRAIN_PROGRESS_SECONDS:
            return
        self.last = time.monotonic()
        point = {"epoch": round(p.epoch - 1 + p.batch / p.batches, 4), "loss": round(p.loss, 5),
                 "accuracy": round(p.accuracy, 5)}
        progress = {"phase": "training", "epoch": p.epoch, "epochs": self.epochs, "batch": p.batch,
                    "batches": p.batches, "step": (p.epoch - 1) * p.batches + p.batch,
                    "steps": self.epochs * p.batches, "loss": point["loss"], "accuracy": point["accuracy"],
                    "images_per_s": round(p.images_per_s)}
        self.heartbeat(progress=progress, curve=[*self.run.curve, point])


def _train(run: TrainingRun, source: DrawingSource, on_progress: Callable[[TrainingRun], None] | None) -> None:
    opts = run.options
    report = Reporter(run, opts["epochs"], on_progress)
    active = serving.active_version(run.arch)
    if active is None:
        raise RetrainError(f"There are no {run.arch} weights to start from: no active version and no "
                           f"{serving.shipped_path(run.arch)}.")
    active_net, _ = load(active.path)
    report.heartbeat(base_version=active, progress={"phase": "loading data"})
    data = gather_data(source)
    report.heartbeat(mnist_train_count=data.mnist_train, drawing_train_count=data.drawings_train,
                     holdout_count=len(data.y_holdout), progress={"phase": "measuring the active model"})
    before = measure(active_net, data)
    report.heartbeat(metrics_before={"version": active.version, **before}, progress={"phase": "training"})

    seed = opts["seed"]
    model = from_architecture(active_net.architecture(), seed=seed) if opts["from_scratch"] else active_net
    cfg = TrainConfig(epochs=opts["epochs"], batch_size=opts["batch_size"], lr=opts["lr"],
                      min_lr=opts["lr"] / 20, seed=seed, augment=AugmentConfig())
    started = time.perf_counter()
    history = fit(model, data.x_train, data.y_train, cfg, sample_weights=data.weights, on_progress=report)
    seconds = time.perf_counter() - started
    report.heartbeat(progress={**run.progress, "phase": "measuring the candidate"})
    after = measure(model, data)
    promote, reason = gate(before, after)

    version = next_version(run.arch)
    path = Path(settings.WEIGHTS_DIR) / f"{version}.npz"
    model.save(path, meta={"version": version, "arch": run.arch, "run": run.pk})
    metrics = {**after, "version": version, "epochs": history, "training_seconds": round(seconds, 1),
               "seed": seed, "run": run.pk, "base_version": active.version,
               "config": {**opts, "augment": True, "drawing_share": settings.RETRAIN_DRAWING_SHARE}}
    try:
        with transaction.atomic():
            if not TrainingRun.objects.select_for_update().filter(pk=run.pk, status=Status.RUNNING).exists():
                raise RunAbandoned()
            now_active = serving.active_version(run.arch)
            if promote and now_active != active:
                promote, reason = False, (f"{now_active} was activated during the run: this candidate was measured "
                                          f"against {active}, so it is not promoted over it")
            candidate = ModelVersion.objects.create(arch=run.arch, version=version, file=path.name,
                                                    sha256=serving.sha256_of(path), metrics=metrics,
                                                    rejected=not promote)
            if promote:
                serving.activate(candidate)
                reason = f"promoted {version}: {reason}"
            _finish(run.pk, Status.SUCCEEDED if promote else Status.REJECTED, reason=reason, candidate=candidate,
                    metrics_after=after, progress={**run.progress, "phase": "done"})
    except BaseException:
        path.unlink(missing_ok=True)  # written but never registered: nothing may serve it
        raise
    log.info("run %s: %s", run.pk, reason)
