"""Whether background work can be queued for a Celery worker right now: Redis configured and answering.

A site with REDIS_URL set whose Redis went away keeps working: callers take their no-Redis path (a thread
of this process) instead of blocking on a broker that is not there. The answer is kept for a few seconds,
so a busy process asks Redis at most once in that time.
"""
import threading
import time

from django.conf import settings

from .reachable import redis_status

RECHECK_SECONDS = 5.0

_lock = threading.Lock()
_last: tuple[float, str | None, bool] = (float("-inf"), None, False)    # (checked at, url, answered)


def broker_answers() -> bool:
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
