"""scripts/run.py (`make run`): it starts the lines of deploy/Procfile (web, worker and beat; web alone without
Redis), and what it prints about Redis never shows a password."""
import json
import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from honcho.environ import parse_procfile

from digitsite.reachable import without_password
from support.services import free_port
from tests.training.retraining import database_url, wait_for

ROOT = Path(__file__).resolve().parent.parent
PROCESSES = parse_procfile((ROOT / "deploy" / "Procfile").read_text()).processes


class MakeRun:
    """`python scripts/run.py` as `make run` starts it, on a free port, the test database and the given Redis."""

    def __init__(self, tmp_path: Path, redis_url: str):
        self.port = free_port()
        self.log = tmp_path / "run.log"
        data_dir = tmp_path / "data"
        data_dir.mkdir()
        (data_dir / "mnist.npz").touch()    # the site never reads MNIST; this keeps run.py from fetching it
        env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}    # run.py's own default
        self.env = {**env, "BIND": f"127.0.0.1:{self.port}", "WEB_WORKERS": "1", "REDIS_URL": redis_url,
                    "DATABASE_URL": database_url(), "VAR_DIR": str(tmp_path / "var"), "DATA_DIR": str(data_dir),
                    "OPENBLAS_NUM_THREADS": "1", "NUMBERS_API_URL": "http://127.0.0.1:9", "PYTHONUNBUFFERED": "1"}

    def __enter__(self):
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen([sys.executable, str(ROOT / "scripts" / "run.py")], cwd=ROOT, env=self.env,
                                         stdout=out, stderr=subprocess.STDOUT)
        return self

    def __exit__(self, *exc):
        self.proc.terminate()     # honcho (run.py became it) stops web, worker and beat
        self.proc.wait(30)

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def health(self) -> dict | None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=10) as response:
                return json.loads(response.read())
        except OSError:
            return None

    def wait_for_output(self, text: str) -> None:
        try:
            wait_for(lambda: text in self.output() or self.proc.poll() is not None, timeout=120, what=text)
        finally:
            assert text in self.output(), self.output()[-4000:]


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_with_redis_it_starts_every_line_of_the_procfile_with_bind_from_the_environment(tmp_path, own_redis):
    with MakeRun(tmp_path, own_redis) as run:
        run.wait_for_output("Redis answers at")
        run.wait_for_output(" ready.")                # the worker
        run.wait_for_output("beat: Starting")
        assert wait_for(run.health, timeout=120, what="the web line to answer on BIND")["redis"] == "ok"
    started = re.findall(r"system +\| (\w+)\.1 started", run.output())
    assert sorted(started) == sorted(PROCESSES) == ["beat", "web", "worker"]
    assert "task events: ON" in run.output()      # Flower can watch the worker


@pytest.mark.django_db(transaction=True)
def test_without_redis_it_starts_the_web_line_alone_and_hides_the_redis_password(tmp_path):
    dead = f"redis://:s3cret@127.0.0.1:{free_port()}/0"
    with MakeRun(tmp_path, dead) as run:
        health = wait_for(run.health, timeout=120, what="the web line to answer on BIND")
    assert health["status"] == "ok" and health["redis"] == "not configured"
    assert run.output().splitlines()[0] == (
        f"Redis is not reachable at {without_password(dead)}: serving without Celery "
        "(background jobs, retraining included, run in the web process).")
    assert "s3cret" not in run.output() and "started (pid=" not in run.output()     # gunicorn alone, no honcho


@pytest.mark.parametrize("url,shown", [
    ("redis://:s3cret@cache.internal:6379/0", "redis://:***@cache.internal:6379/0"),
    ("redis://app:s3cret@cache.internal/1", "redis://app:***@cache.internal/1"),
    ("redis://:p%40ss@cache.internal/1", "redis://:***@cache.internal/1"),
    ("postgres://app:s3cret@db.internal:5432/digitsite", "postgres://app:***@db.internal:5432/digitsite"),
    ("redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/0"),
    ("postgres://app@db.internal/digitsite", "postgres://app@db.internal/digitsite"),
])
def test_a_password_in_a_url_is_never_printed(url, shown):
    assert without_password(url) == shown
