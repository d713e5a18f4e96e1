"""Load held: 50 concurrent visitors x 20 drawings each against gunicorn on PostgreSQL, nothing lost.

Run by hand: .venv/bin/python bench/load.py [--clients 50] [--drawings 20] [--workers 4]
Creates a throwaway PostgreSQL database (DATABASE_URL's server, default postgres://postgres@127.0.0.1:5432),
starts gunicorn on a free loopback port, and has each client open the page (cookies, CSRF token) and post
its drawings back to back. Afterwards it counts: answers other than 201 (target 0), submission rows and
stored files (both must equal the 201s), and reports p50/p99 latency. The baseline in the same run is one
client sending the same drawings alone (the request's own time, without queueing behind 49 others).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from support.browser_client import BrowserLikeClient  # noqa: E402
from support.drawings import data_url, drawing  # noqa: E402
from support.services import free_port  # noqa: E402

SERVER = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def psql(sql: str, database: str = "postgres") -> str:
    url = urlparse(SERVER)
    return subprocess.run(["psql", "-h", url.hostname or "127.0.0.1", "-p", str(url.port or 5432),
                           "-U", url.username or "postgres", "-d", database, "-tAc", sql],
                          check=True, capture_output=True, text=True).stdout.strip()


def bodies(count: int) -> list[bytes]:
    encodings = [("png_transparent", "image/png"), ("jpeg_white", "image/jpeg"), ("png_dark", "image/png")]
    out = []
    for i in range(count):
        encoding, mime = encodings[i % 3]
        number = str(i % 10) if i % 4 else f"{i % 10}{(i * 7) % 10}"
        out.append(json.dumps({"image": data_url(drawing(number, encoding=encoding, canvas=(400, 300), seed=i),
                                                 mime)}).encode())
    return out


def visit(port: int, drawings: list[bytes], results: list, lock: threading.Lock) -> None:
    client = BrowserLikeClient(port, timeout=60)
    client.open_page()
    mine = []
    for body in drawings:
        started = time.perf_counter()
        try:
            status = client.request("POST", "/api/recognize/", body)[0]
        except OSError as exc:
            status = f"connection error: {type(exc).__name__}"
        mine.append((status, time.perf_counter() - started))
    client.close()
    with lock:
        results.extend(mine)


def run(port: int, clients: int, per_client: list[bytes]) -> tuple[list, float]:
    results, lock = [], threading.Lock()
    threads = [threading.Thread(target=visit, args=(port, per_client, results, lock)) for _ in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--drawings", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    database = f"digitsite_load_{os.getpid()}"
    psql(f"CREATE DATABASE {database}")
    url = urlparse(SERVER)._replace(path=f"/{database}").geturl()
    tmp = Path(tempfile.mkdtemp(prefix="digitsite-load-"))
    media = tmp / "media"
    port = free_port()
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="digitsite.settings.local", DEBUG="false", DATABASE_URL=url, VAR_DIR=str(tmp),
               MEDIA_ROOT=str(media), API_THROTTLE_RATE="1000000/min", LOG_LEVEL="WARNING",
               NUMBERS_API_URL=f"http://127.0.0.1:{free_port()}", OPENBLAS_NUM_THREADS="1")
    env.pop("REDIS_URL", None)
    server = None
    try:
        for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):    # the page is served too
            subprocess.run([sys.executable, "manage.py", *command, "-v", "0"], cwd=ROOT, env=env, check=True)
        server = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "digitsite.wsgi", "--bind",
                                   f"127.0.0.1:{port}", "--workers", str(args.workers), "--timeout", "60",
                                   "--log-level", "warning"], cwd=ROOT, env=env)
        drawings = bodies(args.drawings)
        for _ in range(200):
            try:
                if BrowserLikeClient(port, timeout=1).request("GET", "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        run(port, args.workers, drawings[:2])                                    # warm-up: each worker loads models
        alone, _ = run(port, 1, drawings)
        rows_before = int(psql("SELECT count(*) FROM submissions_submission", database))
        files_before = sum(1 for p in media.rglob("*") if p.is_file())
        results, wall = run(port, args.clients, drawings)
        statuses = [status for status, _ in results]
        latencies = np.array([seconds for _, seconds in results])
        ok = statuses.count(201)
        rows = int(psql("SELECT count(*) FROM submissions_submission", database)) - rows_before
        files = sum(1 for p in media.rglob("*") if p.is_file()) - files_before
        other = {str(s): statuses.count(s) for s in set(statuses) if s != 201}
        base = np.median([seconds for _, seconds in alone])
        print(f"gunicorn {args.workers} workers on PostgreSQL, {os.cpu_count()} cores; "
              f"{args.clients} clients x {args.drawings} drawings in {wall:.1f} s ({len(results) / wall:.0f} req/s)")
        print(f"answers: {ok} x 201, others: {other or 'none'}")
        print(f"rows: {rows} new submission rows, files: {files} new files "
              f"(must both equal the 201s: {ok})")
        print(f"latency under load: p50 {np.median(latencies) * 1000:.0f} ms, p99 {np.percentile(latencies, 99) * 1000:.0f} ms;"
              f" one client alone p50 {base * 1000:.1f} ms (ratio p50 {np.median(latencies) / base:.1f}x)")
        held = not other and rows == ok == files
        print("load held: nothing refused, nothing lost" if held else "LOAD NOT HELD")
        return 0 if held else 1
    finally:
        if server is not None:
            server.terminate()
            server.wait(20)
        psql(f"DROP DATABASE IF EXISTS {database}")


if __name__ == "__main__":
    sys.exit(main())
