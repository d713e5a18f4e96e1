"""Retraining end to end: a real Redis, a real Celery worker process, the test database, a tiny network."""
import io
import json
import os
import signal
import time
from pathlib import Path

import pytest
import redis
from django.contrib.auth.models import Permission, User
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from digitsite.celery import app
from recognizer import serving, weights_store
from recognizer.models import ModelVersion
from support.drawings import data_url, drawing
from support.services import start_redis_server
from tests.training.retraining import WORKER_SETTINGS, Worker, install_shipped, wait_for, write_mnist
from training.locks import REQUEST_LOCK, TRAINING_LOCK, Busy
from training.models import TrainingRun
from training.runs import retrain_request

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]
KOMBU_KEYS = ("celery", "unacked", "unacked_index")
RUN_TIMEOUT = 60


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    return tmp_path_factory.mktemp("worker-weights"), tmp_path_factory.mktemp("worker-data")


@pytest.fixture(scope="module")
def broker(request, tmp_path_factory):
    """A Redis of our own, so no other test run's worker takes our tasks or we theirs; else the shared one."""
    started = start_redis_server(tmp_path_factory.mktemp("redis"))
    if started is None:
        url = request.getfixturevalue("redis_url")
        yield url
        redis.Redis.from_url(url).delete(*KOMBU_KEYS, TRAINING_LOCK, REQUEST_LOCK)
        return
    proc, url = started
    yield url
    proc.terminate()
    proc.wait(5)


@pytest.fixture(scope="module")
def worker(broker, folders, django_db_setup, tmp_path_factory):
    """One worker for the module (started in a few seconds); the test that kills it starts it again."""
    redis.Redis.from_url(broker).delete(*KOMBU_KEYS)
    weights, data = folders
    proc = Worker(redis_url=broker, weights_dir=weights, data_dir=data,
                  log=tmp_path_factory.mktemp("worker-log") / "worker.log")
    proc.start()
    yield proc
    proc.stop()


@pytest.fixture
def site(worker, folders, settings, broker):
    """This test process plays the web server: same database, weights folder and Redis as the worker."""
    weights, data = folders
    for f in weights.iterdir():
        f.unlink()
    for name, value in WORKER_SETTINGS.items():
        setattr(settings, name, value)
    settings.WEIGHTS_DIR, settings.DATA_DIR, settings.REDIS_URL = weights, data, broker
    settings.SERVING_CHECK_SECONDS = 0.5
    write_mnist(data)
    serving.forget_loaded_models()
    if worker.proc.poll() is not None:
        worker.start()
    yield worker
    serving.forget_loaded_models()


def finished(run_id: int) -> TrainingRun | None:
    run = TrainingRun.objects.get(pk=run_id)
    return run if run.finished else None


def served_version(client) -> str:
    return client.get("/healthz").json()["model"]


def test_a_scheduled_retrain_is_trained_by_the_worker_gated_promoted_and_served(site, settings, client):
    install_shipped(settings.WEIGHTS_DIR)  # untrained: the retrained network is better
    settings.RETRAIN_SCHEDULE_ARCH = "mlp"
    assert served_version(client) == "mlp-1"
    call_command("setup_schedules", stdout=io.StringIO())
    schedule = PeriodicTask.objects.get(task="training.tasks.scheduled_retrain")
    with app.connection_for_write(settings.REDIS_URL) as connection:  # what beat does when the time comes
        app.send_task(schedule.task, kwargs=json.loads(schedule.kwargs), connection=connection)
    run = wait_for(lambda: TrainingRun.objects.first(), timeout=RUN_TIMEOUT, what="the scheduled task to ask")
    run = wait_for(lambda: finished(run.pk), timeout=RUN_TIMEOUT, what=f"run {run.pk} to finish")
    assert run.status == "succeeded", f"{run.reason}\n{run.error}\n{site.output()}"
    assert run.trigger == "schedule" and run.executor == "celery" and run.worker.startswith("retrain-tests@")
    assert run.reason.startswith("promoted mlp-2: ")
    assert run.curve and run.curve[-1]["epoch"] == 1
    assert ModelVersion.objects.get(is_active=True).version == "mlp-2"
    assert weights_store.has_weights(ModelVersion.objects.get(version="mlp-2"))
    wait_for(lambda: served_version(client) == "mlp-2", timeout=10, what="the web process to serve mlp-2")


def test_retrain_now_queues_for_the_worker_and_the_new_model_answers_drawings(site, settings, client, api_client):
    install_shipped(settings.WEIGHTS_DIR)
    user = User.objects.create_user("staff", password="pw", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="trigger_retrain"),
                              Permission.objects.get(codename="view_trainingrun"))
    client.force_login(user)
    assert api_client.post("/api/recognize/", {"image": data_url(drawing("5"))},
                           format="json").json()["model"]["version"] == "mlp-1"
    response = client.post("/admin/training/trainingrun/retrain/", {"arch": "mlp"}, follow=True)
    run = TrainingRun.objects.get()
    assert [str(m) for m in response.context["messages"]] == [f"Run {run.pk} (mlp) is queued for a Celery worker."]
    run = wait_for(lambda: finished(run.pk), timeout=RUN_TIMEOUT, what=f"run {run.pk} to finish")
    assert run.status == "succeeded", f"{run.reason}\n{run.error}\n{site.output()}"

    def answered_by_the_new_model():
        body = api_client.post("/api/recognize/", {"image": data_url(drawing("5"))}, format="json").json()
        return body["model"]["version"] == "mlp-2"
    wait_for(answered_by_the_new_model, timeout=10, what="recognition to use mlp-2", interval=0.2)


def test_a_worse_candidate_is_rejected_by_the_worker_and_never_served(site, settings, client):
    install_shipped(settings.WEIGHTS_DIR, trained=True)
    write_mnist(settings.DATA_DIR, shuffle_labels=True)
    assert served_version(client) == "mlp-1"
    out = io.StringIO()
    call_command("retrain", "--arch", "mlp", "--wait", stdout=out)
    run = TrainingRun.objects.get()
    assert run.status == "rejected", f"{run.reason}\n{run.error}\n{site.output()}"
    lines = out.getvalue().splitlines()
    assert lines[0] == f"run {run.pk} is queued for a Celery worker."
    assert lines[-1] == f"run {run.pk}: rejected {run.reason}"
    assert run.reason.startswith("rejected by the MNIST rule: MNIST test ")
    assert run.candidate.rejected and not run.candidate.is_active
    assert ModelVersion.objects.get(is_active=True).version == "mlp-1"
    serving.forget_loaded_models()
    assert served_version(client) == "mlp-1"


def request_accepted() -> TrainingRun | None:
    try:
        return retrain_request(arch="mlp", trigger="admin")
    except Busy:
        return None


def test_a_worker_killed_mid_run_and_replaced_under_another_hostname_lets_a_new_run_start_within_90_s(
        site, settings, client, broker, folders, tmp_path):
    install_shipped(settings.WEIGHTS_DIR)
    assert served_version(client) == "mlp-1"
    dead = retrain_request(arch="mlp", trigger="admin", epochs=500)
    wait_for(lambda: "step" in TrainingRun.objects.get(pk=dead.pk).progress, timeout=RUN_TIMEOUT,
             what="training to start")
    site.kill()
    killed = time.monotonic()
    locks = redis.Redis.from_url(broker)
    assert locks.pttl(TRAINING_LOCK) <= settings.RETRAIN_STALE_SECONDS * 1000  # it expires by itself
    dead.refresh_from_db()
    assert dead.status == "running" and dead.worker.startswith("retrain-tests@")
    assert ModelVersion.objects.get(is_active=True).version == "mlp-1"
    assert sorted(p.name for p in settings.WEIGHTS_DIR.glob("*.npz")) == ["mlp.npz"]

    weights, data = folders
    other = Worker(redis_url=broker, weights_dir=weights, data_dir=data, log=tmp_path / "other.log",
                   name="other@%h")
    other.start()
    try:
        run = wait_for(request_accepted, timeout=90 - (time.monotonic() - killed), interval=0.5,
                       what="a new retrain request to be accepted")
        assert locks.get(TRAINING_LOCK) != f"run-{dead.pk}".encode()
        wait_for(lambda: TrainingRun.objects.get(pk=run.pk).status != "queued",
                 timeout=max(90 - (time.monotonic() - killed), 0.1), what="the new run to start")
        print(f"SIGKILL to the new run starting: {time.monotonic() - killed:.1f} s")
        dead.refresh_from_db()
        assert dead.status == "failed"
        assert dead.reason.startswith("the worker stopped sending heartbeats at ")
        assert dead.reason.endswith(f" UTC; marked failed after {settings.RETRAIN_STALE_SECONDS:g} s without one, "
                                    "the served model is unchanged")
        run = wait_for(lambda: finished(run.pk), timeout=RUN_TIMEOUT, what="the new run to finish")
        assert run.status == "succeeded", f"{run.reason}\n{run.error}\n{other.output()}"
        assert run.worker.startswith("other@")
        assert ModelVersion.objects.get(is_active=True).version == "mlp-2"
    finally:
        other.stop()


def pool_children(pid: int) -> list[int]:
    return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def test_a_pool_process_killed_mid_run_fails_the_run_at_once(site, settings, client):
    install_shipped(settings.WEIGHTS_DIR)
    run = retrain_request(arch="mlp", trigger="admin", epochs=500)
    wait_for(lambda: "step" in TrainingRun.objects.get(pk=run.pk).progress, timeout=RUN_TIMEOUT,
             what="training to start")
    for child in pool_children(site.proc.pid):
        os.kill(child, signal.SIGKILL)
    run = wait_for(lambda: finished(run.pk), timeout=RUN_TIMEOUT, what="the worker to notice")
    assert run.status == "failed"
    assert run.reason.startswith("the worker process was lost during training (WorkerLostError)")
    assert served_version(client) == "mlp-1" and ModelVersion.objects.count() == 1
