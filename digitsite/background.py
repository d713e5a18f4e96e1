"""Background work, one way: a Celery task queued by name when Redis answers, else a thread of this process.

A site with REDIS_URL set whose Redis went away keeps working: `broker_answers()` says so within a fraction
of a second (the answer is kept a few seconds), and callers take their no-Redis path instead of blocking
on a broker that is not there.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.db import connections

from .domain import Unavailable
from .reachable import redis_status

log = logging.getLogger(__name__)
RECHECK_SECONDS = 5.0
QUEUE_TIMEOUT = 0.5        # seconds to reach the broker when queueing, so a Redis that just died costs little
THREAD_PREFIX = "background-"

_lock = threading.Lock()
_last: tuple[float, str | None, bool] = (float("-inf"), None, False)    # (checked at, url, answered)


def broker_answers() -> bool:
    """REDIS_URL is set and its Redis answered PING within the last few seconds."""
    global _last
    url = settings.REDIS_URL
    if not url:
        return False
    checked_at, checked_url, answered = _last
    if checked_url == url and time.monotonic() - checked_at < RECHECK_SECONDS:
        return answered
    with _lock:
        answered = redis_status(url, timeout=0.25) == "ok"
        _last = (time.monotonic(), url, answered)
    return answered


def queue_task(name: str, *, kwargs: dict) -> None:
    """Sends the Celery task `name` through our app to REDIS_URL (whatever Celery app is current in this
    process), without retrying. Raises Unavailable when the broker cannot take it."""
    from .celery import app

    try:
        with app.connection_for_write(settings.REDIS_URL, connect_timeout=QUEUE_TIMEOUT,
                                      transport_options={"max_retries": 0}) as connection:
            connection.ensure_connection(max_retries=0, timeout=QUEUE_TIMEOUT)
            app.send_task(name, kwargs=kwargs, connection=connection, retry=False)
    except Exception as exc:      # kombu, redis-py and socket errors alike: the broker did not take it
        raise Unavailable("queue_unavailable", f"Redis does not answer ({type(exc).__name__}), so the work "
                                               "cannot be queued; try again when Redis is back.") from exc


def run_here(fn: Callable[[], None], *, name: str) -> threading.Thread:
    """Runs fn() on a daemon thread of this process (named background-<name>), closing its database
    connections when done; an exception is logged, never lost silently."""
    def target():
        try:
            fn()
        except Exception:
            log.exception("background work %s failed", name)
        finally:
            connections.close_all()     # this thread's connections: it ends here, CONN_MAX_AGE or not

    thread = threading.Thread(target=target, name=THREAD_PREFIX + name, daemon=True)
    thread.start()
    return thread


def wait_for_threads(timeout: float) -> bool:
    """Waits for this process's background threads; False if some outlived the timeout (tests, benches)."""
    deadline = time.monotonic() + timeout
    for thread in threading.enumerate():
        if thread.name.startswith(THREAD_PREFIX):
            thread.join(max(0.0, deadline - time.monotonic()))
    return not any(t.name.startswith(THREAD_PREFIX) and t.is_alive() for t in threading.enumerate())
