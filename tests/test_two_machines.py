"""Two machines around one PostgreSQL and one Redis, with no shared disk.

Machine A runs gunicorn; machine B runs gunicorn and a Celery worker. Each has its own WEIGHTS_DIR (the same
shipped files, as a deploy puts them), MEDIA_ROOT, MODEL_CACHE_DIR and DATA_DIR. A run trained by B's worker is
served by A within 10 s of its promotion, a rollback in A's admin reaches B, and a drawing stored through A shows
in B's admin: model versions and drawings travel through the database, nothing through the file system.
"""
import json
import re
import time

import pytest
import redis
import requests
from django.contrib.auth.models import User
from django.db import connection
from django.utils import timezone

from recognizer import weights_store
from recognizer.models import ModelVersion
from submissions.models import StoredFile
from support.drawings import data_url, drawing
from tests.conftest import missing_service
from tests.gunicorn import Gunicorn
from tests.training.retraining import WORKER_SETTINGS, Worker, database_url, install_shipped, wait_for, write_mnist
from training.models import TrainingRun
from training.runs import retrain_request

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]
PASSWORD = "two-machines"


def machine(root, broker: str) -> dict:
    """One machine's environment: its own folders, the shared database and Redis."""
    folders = {name: root / name for name in ("weights", "media", "model_cache", "data")}
    for folder in folders.values():
        folder.mkdir(parents=True)
    install_shipped(folders["weights"])
    write_mnist(folders["data"])
    return {"DATABASE_URL": database_url(), "REDIS_URL": broker, "DRAWINGS_STORAGE": "database",
            "WEIGHTS_DIR": str(folders["weights"]), "MEDIA_ROOT": str(folders["media"]),
            "MODEL_CACHE_DIR": str(folders["model_cache"]), "DATA_DIR": str(folders["data"]),
            **{k: str(v) for k, v in WORKER_SETTINGS.items()}}


def served(site: Gunicorn) -> str:
    status, _, body = site.request("GET", "/healthz")
    return json.loads(body)["model"]


def admin_session(site: Gunicorn) -> tuple[requests.Session, str]:
    """A staff member logged in to this machine's admin, as through a browser."""
    base, session = f"http://127.0.0.1:{site.port}", requests.Session()
    session.get(f"{base}/admin/login/", timeout=20)
    answer = session.post(f"{base}/admin/login/?next=/admin/", timeout=20, data={
        "username": "ops", "password": PASSWORD, "csrfmiddlewaretoken": session.cookies["csrftoken"]})
    assert answer.status_code == 200 and "Log out" in answer.text, answer.text[:500]
    return session, base


def test_a_second_machine_serves_what_the_first_one_trained_stored_and_rolled_back(tmp_path, own_redis, settings):
    if connection.vendor != "postgresql":
        missing_service("PostgreSQL (DATABASE_URL=postgres://...)")
    broker = own_redis
    redis.Redis.from_url(broker).flushdb()
    User.objects.create_superuser("ops", "ops@example.com", PASSWORD)
    env_a, env_b = machine(tmp_path / "a", broker), machine(tmp_path / "b", broker)
    worker = Worker(redis_url=broker, weights_dir=tmp_path / "b" / "weights", data_dir=tmp_path / "b" / "data",
                    log=tmp_path / "worker-b.log", name="machine-b@%h")
    worker.env.update(env_b)
    worker.start()
    try:
        with Gunicorn(tmp_path / "a", **env_a) as web_a, Gunicorn(tmp_path / "b", **env_b) as web_b:
            assert served(web_a) == served(web_b) == "mlp-1"

            # A drawing stored through A shows in B's admin.
            status, _, body = web_a.request("POST", "/api/recognize/", json.dumps({"image": data_url(drawing("7"))}))
            assert status == 201, body[:500]
            submission_id = json.loads(body)["submission_id"]
            session_b, base_b = admin_session(web_b)
            page = session_b.get(f"{base_b}/admin/submissions/submission/{submission_id}/change/", timeout=20)
            assert page.status_code == 200 and f"/submissions/{submission_id}/image" in page.text
            image = session_b.get(f"{base_b}/submissions/{submission_id}/image", timeout=20)
            assert image.status_code == 200 and image.content.startswith(b"\x89PNG")
            assert image.content == bytes(StoredFile.objects.get().content)

            # A run trained by B's worker is served by A within 10 s of its promotion.
            settings.REDIS_URL = broker
            run = retrain_request(arch="mlp", trigger="command")
            assert run.executor == "celery"
            run = wait_for(lambda: TrainingRun.objects.filter(pk=run.pk, status__in=["succeeded", "rejected", "failed"])
                           .first(), timeout=90, what="B's worker to finish the run")
            assert run.status == "succeeded", f"{run.reason}\n{run.error}\n{worker.output()}"
            assert run.worker.startswith("machine-b@")
            promoted = ModelVersion.objects.get(is_active=True, arch="mlp")
            assert promoted.version == "mlp-2" and promoted.in_database
            wait_for(lambda: served(web_a) == "mlp-2", timeout=10, what="A to serve mlp-2", interval=0.2)
            assert (timezone.now() - promoted.activated_at).total_seconds() < 10
            assert weights_store.cached_path(promoted).name in {p.name for p in (tmp_path / "a/model_cache").iterdir()}

            # A rollback in A's admin reaches B.
            wait_for(lambda: served(web_b) == "mlp-2", timeout=10, what="B to serve mlp-2")
            session_a, base_a = admin_session(web_a)
            changelist = f"{base_a}/admin/recognizer/modelversion/"
            answer = session_a.post(changelist, timeout=20, data={
                "action": "roll_back", "_selected_action": [promoted.pk], "index": 0,
                "csrfmiddlewaretoken": session_a.cookies["csrftoken"]})
            assert re.search(r"Rolled back mlp: mlp-1 is now served", answer.text), answer.text[-2000:]
            rolled_back = time.monotonic()
            wait_for(lambda: served(web_b) == "mlp-1", timeout=10, what="B to serve mlp-1 again", interval=0.2)
            assert time.monotonic() - rolled_back < 10

        for side in ("a", "b"):  # nothing went through either machine's disk
            assert not list((tmp_path / side / "media").rglob("*.*"))
            assert sorted(p.name for p in (tmp_path / side / "weights").iterdir()) == ["mlp.npz"]
    finally:
        worker.stop()
