"""A running run tells the world it is alive: a heartbeat from a thread of its own, and its progress and curve as
it trains. Either stops the run when its row is no longer `running` (cancelled, or taken for dead)."""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import connections
from django.utils import timezone

from recognizer.nn.train import Progress

from .models import TrainingRun

log = logging.getLogger(__name__)
Status = TrainingRun.Status


class RunAbandoned(Exception):
    """The run's row left `running` while it trained: stop without promoting."""


@contextmanager
def heartbeats(run_id: int, extend_lock: Callable[[], None]) -> Iterator[None]:
    """Beats for the run every RETRAIN_STALE_SECONDS / 4, extending its lock as well, so no long step (loading
    data, measuring, a slow batch) makes a live run look dead. Stops when the run is no longer running: the
    training thread finds out at its next report or before promoting."""
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


class RunReporter:
    """Writes the run's fields with a heartbeat; as training's progress callback, its progress and curve at most
    every RETRAIN_PROGRESS_SECONDS (and at each epoch's end)."""

    def __init__(self, run: TrainingRun, epochs: int, on_progress: Callable[[TrainingRun], None] | None):
        self.run, self.epochs, self.on_progress = run, epochs, on_progress
        self.last = 0.0

    def report(self, **fields) -> None:
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
        self.report(progress=progress, curve=[*self.run.curve, point])
