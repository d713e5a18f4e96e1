"""Throughput and latency of POST /api/recognize/ under gunicorn, with concurrent clients on loopback.

Run by hand: .venv/bin/python bench/api_speed.py [--seconds 15] [--clients 4] [--workers 2 | --workers 1,2,4]
Latency (p50, p99) is measured with one client, throughput with --clients concurrent clients; with a list of worker
counts each is measured in turn, and a table shows how throughput grows with workers.
Uses DATABASE_URL when set (PostgreSQL), else a throwaway SQLite file. The baseline, measured in the
same run against the same server, is GET /healthz: the floor of a request through Django and the database.
Targets (issue 15, ratios against healthz in the same run): throughput >= 0.35 of healthz's, one-client p50 at most
2.0x healthz's.
"""
import argparse
import base64
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from support.browser_client import BrowserLikeClient  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def one_digit_bodies(n: int) -> list[bytes]:
    from support.drawings import data_url, drawing
    encodings = ["png_transparent", "jpeg_white", "png_dark"]
    return [json.dumps({"image": data_url(drawing(str(i % 10), encoding=encodings[i % 3], canvas=(400, 400), seed=i),
                                          "image/jpeg" if i % 3 == 1 else "image/png")}).encode() for i in range(n)]


def hammer(port: int, method: str, path: str, bodies: list[bytes] | None, seconds: float, clients: int):
    """Each client sends requests back to back for `seconds`; returns latencies (s) and error count."""
    latencies, errors, lock = [], [0], threading.Lock()
    deadline = time.perf_counter() + seconds

    def client(k: int):
        browser, i, mine, bad = BrowserLikeClient(port, timeout=10), k, [], 0
        browser.open_page()                 # like a browser: the page's cookies, then its requests
        while time.perf_counter() < deadline:
            body = bodies[i % len(bodies)] if bodies else None
            started = time.perf_counter()
            try:
                ok = browser.request(method, path, body)[0] in (200, 201)
            except OSError:
                ok = False
            mine.append(time.perf_counter() - started)
            bad += not ok
            i += clients
        browser.close()
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return np.array(latencies), errors[0], time.perf_counter() - started


def report(name: str, lat: np.ndarray, errors: int, wall: float) -> float:
    rps = len(lat) / wall
    print(f"{name:<28} {len(lat):>6} requests  {rps:7.1f} req/s  p50 {np.median(lat) * 1000:6.2f} ms  "
          f"p99 {np.percentile(lat, 99) * 1000:6.2f} ms  errors {errors}")
    return rps


def serve(workers: int, env: dict, port: int) -> subprocess.Popen:
    server = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "digitsite.wsgi", "--bind",
                               f"127.0.0.1:{port}", "--workers", str(workers), "--log-level", "warning"],
                              cwd=ROOT, env=env)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    return server


def measure(workers: int, args, env: dict, bodies: list[bytes]) -> dict:
    """One gunicorn with `workers` workers: healthz and recognize, one client (latency) and --clients (throughput)."""
    port = free_port()
    server = serve(workers, env, port)
    try:
        hammer(port, "POST", "/api/recognize/", bodies, 2, args.clients)         # warm-up: load models
        print(f"gunicorn {workers} workers, {args.clients} clients, {args.seconds:.0f} s each, "
              f"database {'PostgreSQL' if os.environ.get('DATABASE_URL') else 'SQLite'}, {os.cpu_count()} cores")
        # Latency: one client at a time, so the figure is the request's own time, not time queued behind others.
        health_one, health_errors, health_wall = hammer(port, "GET", "/healthz", None, args.seconds / 2, 1)
        report("GET /healthz 1 client", health_one, health_errors, health_wall)
        base = report(f"GET /healthz {args.clients} clients (baseline)",
                      *hammer(port, "GET", "/healthz", None, args.seconds, args.clients))
        single, errors, wall = hammer(port, "POST", "/api/recognize/", bodies, args.seconds, 1)
        report("POST /api/recognize/ 1 client", single, errors, wall)
        lat, errors, wall = hammer(port, "POST", "/api/recognize/", bodies, args.seconds, args.clients)
        rps = report(f"POST /api/recognize/ {args.clients} clients", lat, errors, wall)
    finally:
        server.terminate()
        server.wait(10)
    figures = {"workers": workers, "rps": rps, "healthz_rps": base, "throughput_ratio": rps / base,
               "p50_ms": float(np.median(single) * 1000), "healthz_p50_ms": float(np.median(health_one) * 1000)}
    figures["p50_ratio"] = figures["p50_ms"] / figures["healthz_p50_ms"]
    print(f"ratio recognize/healthz throughput: {figures['throughput_ratio']:.2f} (target >= 0.35); "
          f"recognize p50 / healthz p50, one client: {figures['p50_ms']:.1f} / {figures['healthz_p50_ms']:.1f} ms = "
          f"{figures['p50_ratio']:.1f}x (target <= 2.0x)")
    return figures


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", default="2", help="gunicorn workers; a list such as 1,2,4 measures each")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="digitsite-bench-"))
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="digitsite.settings.local", DEBUG="false", VAR_DIR=str(tmp),
               API_THROTTLE_RATE="1000000/min", NUMBERS_API_URL=f"http://127.0.0.1:{free_port()}",
               LOG_LEVEL="WARNING")
    python = str(Path(sys.executable))
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):    # the page is served too
        subprocess.run([python, "manage.py", *command, "-v", "0"], cwd=ROOT, env=env, check=True)
    bodies = one_digit_bodies(60)
    rows = [measure(int(w), args, env, bodies) for w in args.workers.split(",")]
    if len(rows) > 1:
        print(f"\n{'workers':>7} {'recognize req/s':>16} {'healthz req/s':>14} {'ratio':>6} {'per worker':>11}")
        for r in rows:
            print(f"{r['workers']:>7} {r['rps']:>16.1f} {r['healthz_rps']:>14.1f} {r['throughput_ratio']:>6.2f} "
                  f"{r['rps'] / r['workers']:>11.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
