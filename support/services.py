"""Finding (or starting) the real services the tests use: Redis, a Chromium binary."""
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

from digitsite.reachable import redis_answers

DEFAULT_REDIS = "redis://127.0.0.1:6379/15"


def find_redis_url() -> str | None:
    """REDIS_URL when set, else the default local Redis (database 15) when it answers."""
    url = os.environ.get("REDIS_URL") or DEFAULT_REDIS
    return url if redis_answers(url) else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_redis_server(workdir: Path) -> tuple[subprocess.Popen, str] | None:
    """Starts a throwaway redis-server on a free port, if the binary is installed."""
    binary = shutil.which("redis-server")
    if not binary:
        return None
    port = free_port()
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", str(workdir)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    for _ in range(50):
        if redis_answers(url):
            return proc, url
        time.sleep(0.1)
    proc.kill()
    return None


def chromium_path() -> str | None:
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and os.path.exists(candidate):
            return candidate
    return None


def services_required() -> bool:
    """CI sets REQUIRE_SERVICES=true: a missing service is then a failure, not a skip."""
    return os.environ.get("REQUIRE_SERVICES", "").lower() == "true"
