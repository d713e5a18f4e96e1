"""A run's life: requested (one at a time), handed to its executor, claimed and executed once, or failed: by an
error, by staff cancelling it, or because its worker stopped sending heartbeats.

With REDIS_URL set a run is queued for a Celery worker; without, it trains in a thread of the process that asked,
or (foreground=True, the `retrain` command) the caller executes it itself.
"""
from __future__ import annotations

import logging
import os
import socket
import threading
import traceback
from collections.abc import Callable
from datetime import UTC, timedelta

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from digitsite.background import queue_task, run_here
from digitsite.domain import DomainError, Invalid, Unavailable
from recognizer import serving

from .data import require_mnist
from .locks import REQUEST_LOCK, TRAINING_LOCK, Busy, exclusive, redis_down, release_run_lock, run_token
from .models import TrainingRun
from .pipeline import train_run
from .progress import RunAbandoned, heartbeats

log = logging.getLogger(__name__)
Status = TrainingRun.Status
RUN_TASK = "training.tasks.run_training"


def executor_for(*, foreground: bool) -> str:
    if settings.REDIS_URL:
        return "celery"
    return "inline" if foreground else "thread"


def retrain_request(*, arch: str, trigger: str, by: AbstractBaseUser | None = None, epochs: int | None = None,
                    from_scratch: bool = False, foreground: bool = False) -> TrainingRun:
    """Records a queued run and hands it to its executor once committed. Raises Invalid for a bad arch or epochs,
    Busy when a run is queued or running, Unavailable when MNIST is not downloaded yet or Redis is configured but
    does not answer."""
    if arch not in serving.ARCHS:
        raise Invalid("unknown_arch", f"Unknown arch {arch!r}: choose one of {', '.join(serving.ARCHS)}.")
    if epochs is not None and epochs < 1:
        raise Invalid("invalid_epochs", "epochs must be at least 1.")
    require_mnist()
    executor = executor_for(foreground=foreground)
    with exclusive(REQUEST_LOCK, timeout=30, busy="Another retrain request is being handled; try again."):
        fail_stale_runs()
        current = TrainingRun.objects.filter(status__in=TrainingRun.IN_PROGRESS).first()
        if current is not None:
            raise Busy(f"Run {current.pk} ({current.arch}) is {current.status}: one training run at a time. "
                       "Wait for it to finish.", current)
        options = {"epochs": epochs or settings.RETRAIN_EPOCHS, "from_scratch": from_scratch,
                   "seed": settings.RETRAIN_SEED, "batch_size": settings.RETRAIN_BATCH_SIZE,
                   "lr": settings.RETRAIN_SCRATCH_LR if from_scratch else settings.RETRAIN_LR}
        with transaction.atomic():
            run = TrainingRun.objects.create(arch=arch, trigger=trigger, requested_by=by, executor=executor,
                                             options=options)
            if executor == "celery":
                transaction.on_commit(lambda: _queue(run.pk))
            elif executor == "thread":
                transaction.on_commit(lambda: run_here(lambda: execute_run(run_id=run.pk), name=f"retrain-{run.pk}"))
    return run


def _queue(run_id: int) -> None:
    try:
        queue_task(RUN_TASK, kwargs={"run_id": run_id})
    except Unavailable as exc:
        error = redis_down(exc.__cause__ or exc)
        fail_run(run_id, reason="could not be queued: Redis does not answer", error=error.message)
        raise error from exc


def fail_run(run_id: int, *, reason: str, error: str = "", where: Q = Q()) -> bool:
    """Marks a queued or running run failed (a no-op for finished ones, or when `where` no longer holds) and frees
    its lock. True if it changed."""
    changed = TrainingRun.objects.finish(run_id, Status.FAILED, reason=reason, error=error,
                                         only_if=TrainingRun.IN_PROGRESS, where=where)
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


def default_worker_name() -> str:
    return f"{threading.current_thread().name} of pid {os.getpid()} on {socket.gethostname()}"


def execute_run(*, run_id: int, worker: str = "",
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
        with exclusive(TRAINING_LOCK, timeout=settings.RETRAIN_STALE_SECONDS, token=run_token(run.pk),
                       busy="another training run holds the training lock") as extend_lock, \
                heartbeats(run.pk, extend_lock):
            train_run(run, on_progress)
    except RunAbandoned:
        log.warning("run %s stopped: it was marked %s while training", run_id,
                    TrainingRun.objects.get(pk=run_id).status)
    except DomainError as exc:
        TrainingRun.objects.finish(run.pk, Status.FAILED, reason=exc.message)
    except Exception as exc:  # a failed run records why instead of leaving a worker's log to find it
        log.exception("run %s failed", run_id)
        TrainingRun.objects.finish(run.pk, Status.FAILED, reason=f"{type(exc).__name__}: {exc}"[:500],
                                   error=traceback.format_exc())
    run.refresh_from_db()
    return run
