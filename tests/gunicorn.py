"""`gunicorn digitsite.wsgi` on a free port with the given environment, as a context manager for a test."""
import http.client
import os
import subprocess
import sys
from pathlib import Path

from support.services import free_port
from tests.training.retraining import wait_for

ROOT = Path(__file__).resolve().parent.parent


class Gunicorn:
    """`gunicorn digitsite.wsgi` on a free port with the given environment, for one test."""

    def __init__(self, tmp_path: Path, **env):
        self.port = free_port()
        self.media = tmp_path / "media"
        self.log = tmp_path / "gunicorn.log"
        self.env = {**os.environ, "DJANGO_SETTINGS_MODULE": "digitsite.settings.test", "MEDIA_ROOT": str(self.media),
                    "OPENBLAS_NUM_THREADS": "1", "NUMBERS_API_URL": "http://127.0.0.1:9", **env}
        self.proc = None

    def __enter__(self):
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen(
                [str(Path(sys.executable).parent / "gunicorn"), "digitsite.wsgi", "--bind", f"127.0.0.1:{self.port}",
                 "--workers", "1", "--timeout", "30"], cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT)
        wait_for(lambda: self.answers() or self.proc.poll() is not None, timeout=60, what="gunicorn to start")
        assert self.proc.poll() is None, self.log.read_text()
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        self.proc.wait(20)

    def answers(self) -> bool:
        try:
            self.request("GET", "/healthz")
            return True
        except OSError:
            return False

    def request(self, method: str, path: str, body: str | None = None, headers: dict | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        try:
            conn.request(method, path, body=body, headers={"Content-Type": "application/json", **(headers or {})})
            response = conn.getresponse()
            return response.status, response.getheader("Content-Type") or "", response.read()
        finally:
            conn.close()

    def files(self) -> list[Path]:
        return [p for p in self.media.rglob("*") if p.is_file()] if self.media.exists() else []
