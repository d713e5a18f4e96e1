"""Dead runs are found by heartbeat: a run silent for RETRAIN_STALE_SECONDS is failed, a live one never is."""
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from tests.training.retraining import install_shipped, wait_for
from training.models import TrainingRun
from training.runs import execute_run, fail_stale_runs, retrain_request

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tiny_training")]


def running(*, heartbeat_at: datetime, worker: str = "celery@a") -> TrainingRun:
    return TrainingRun.objects.create(arch="mlp", trigger="admin", executor="celery", status="running",
                                      worker=worker, started_at=heartbeat_at, heartbeat_at=heartbeat_at)


def test_a_run_with_a_fresh_heartbeat_is_never_failed(settings):
    settings.RETRAIN_STALE_SECONDS = 60
    alive = running(heartbeat_at=timezone.now() - timedelta(seconds=55))
    assert fail_stale_runs() == []
    alive.refresh_from_db()
    assert alive.status == "running" and alive.reason == "" and alive.finished_at is None


def test_a_run_whose_heartbeat_is_older_than_a_minute_is_failed_saying_when_it_stopped(settings):
    settings.RETRAIN_STALE_SECONDS = 60
    dead = running(heartbeat_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), worker="celery@gone")
    alive = running(heartbeat_at=timezone.now(), worker="celery@gone")  # the same name says nothing either way
    assert fail_stale_runs() == [dead.pk]
    dead.refresh_from_db(), alive.refresh_from_db()
    assert dead.status == "failed" and dead.finished_at is not None
    assert dead.reason == ("the worker stopped sending heartbeats at 2026-01-02 03:04:05 UTC; marked failed after "
                           "60 s without one, the served model is unchanged")
    assert alive.status == "running"


def test_a_request_fails_a_silent_run_instead_of_waiting_for_it(settings):
    install_shipped(settings.WEIGHTS_DIR)
    dead = running(heartbeat_at=timezone.now() - timedelta(seconds=61))
    run = retrain_request(arch="mlp", trigger="command", foreground=True)
    dead.refresh_from_db()
    assert dead.status == "failed" and run.status == "queued"


@pytest.mark.django_db(transaction=True)  # the heartbeat thread has a connection of its own
def test_a_live_run_keeps_beating_through_a_step_that_reports_nothing(settings):
    settings.RETRAIN_STALE_SECONDS = 2
    install_shipped(settings.WEIGHTS_DIR)
    run = retrain_request(arch="mlp", trigger="command", foreground=True)
    failed_meanwhile = []

    def silent_while_loading_data(r):
        """The step after "loading data" says nothing for twice the stale time, while others look for dead runs."""
        if r.progress.get("phase") != "loading data":
            return
        began = timezone.now()

        def beaten_long_after_the_step_began():
            failed_meanwhile.extend(fail_stale_runs())
            heartbeat = TrainingRun.objects.get(pk=run.pk).heartbeat_at
            return heartbeat > began + timedelta(seconds=2 * settings.RETRAIN_STALE_SECONDS)
        wait_for(beaten_long_after_the_step_began, timeout=30, what="a heartbeat during the silent step")

    started = time.monotonic()
    run = execute_run(run_id=run.pk, on_progress=silent_while_loading_data)
    assert time.monotonic() - started > 2 * settings.RETRAIN_STALE_SECONDS
    assert failed_meanwhile == []
    assert run.status == "succeeded", f"{run.reason}\n{run.error}"
