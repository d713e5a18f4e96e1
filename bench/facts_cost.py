"""What each way the Numbers API behaves costs a request: the median time of fact_for() per mode, against a stored fact.

Run by hand: .venv/bin/python bench/facts_cost.py [--runs 15]. It starts our stand-in Numbers API on 127.0.0.1
(support/fake_numbers_api.py), uses a throwaway SQLite database and the default timeouts, budget and breaker,
and reaches no other host. Background work runs in threads (no Redis), as in the embedded default.
"""
import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATABASE_DIR = tempfile.TemporaryDirectory()
os.environ.update(DJANGO_SETTINGS_MODULE="digitsite.settings.test", REDIS_URL="", LOG_LEVEL="ERROR",
                  DATABASE_URL=f"sqlite:///{DATABASE_DIR.name}/bench.sqlite3")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from facts import client, services  # noqa: E402
from support.fake_numbers_api import FakeNumbersApi  # noqa: E402
from support.services import free_port  # noqa: E402

STORED_NUMBER = 42
MODES = [  # (name, the stand-in's mode, or None for a closed port)
    ("fine", "fact"),
    ("not found", "not_found"),
    ("slow (server sleeps 5 s)", "slow"),
    ("HTTP 500", "error"),
    ("garbage body", "garbage"),
    ("connection refused", None),
]


def median_ms(runs: int, numbers) -> float:
    """Times fact_for() for each number, waiting for its background work before the next, so runs do not overlap."""
    times = []
    for number in numbers[:runs]:
        started = time.perf_counter()
        services.fact_for(number=number, kind="trivia")
        times.append(time.perf_counter() - started)
        services.wait_for_background_fetches(timeout=10)
    return statistics.median(times) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    call_command("migrate", verbosity=0)
    api = FakeNumbersApi().start()
    fresh = iter(range(1000, 10**9, runs))  # a new block of numbers, none stored, for each mode
    results = []
    with override_settings(NUMBERS_API_URL=api.url):
        services.fact_for(number=STORED_NUMBER, kind="trivia")
        results.append(("stored fact (baseline)", median_ms(runs, [STORED_NUMBER] * runs)))
        for name, mode in MODES:
            client.breaker.reset()
            url = f"http://127.0.0.1:{free_port()}" if mode is None else api.url
            api.mode = mode or "fact"
            # A breaker that never opens, so every run meets the failure itself.
            with override_settings(NUMBERS_API_URL=url, NUMBERS_API_BREAKER_FAILURES=10**9):
                results.append((name, median_ms(runs, range(next(fresh), 10**9))))
        client.breaker.reset()
        api.mode = "error"
        for number in range(settings.NUMBERS_API_BREAKER_FAILURES):
            services.fact_for(number=number, kind="trivia")
        requests_before = len(api.requests)
        results.append(("circuit open", median_ms(runs, range(next(fresh), 10**9))))
        assert len(api.requests) == requests_before, "the open breaker let a call through"
    api.stop()

    baseline = results[0][1]
    print(f"fact_for() cost per Numbers API behaviour, median of {runs} runs "
          f"(budget {settings.FACT_BUDGET_SECONDS * 1000:.0f} ms, timeouts {settings.NUMBERS_API_CONNECT_TIMEOUT} s "
          f"connect / {settings.NUMBERS_API_READ_TIMEOUT} s read)")
    print(f"{'mode':<28}{'median ms':>10}{'x stored':>10}")
    for name, ms in results:
        print(f"{name:<28}{ms:>10.2f}{ms / baseline:>10.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
