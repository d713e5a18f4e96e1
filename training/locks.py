"""One run at a time: locks in Redis when REDIS_URL is set (they expire, so a killed holder cannot keep one), else
in this process."""
from __future__ import annotations

import logging
import threading
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import redis
from django.conf import settings

from digitsite.domain import Conflict, Unavailable

log = logging.getLogger(__name__)
REQUEST_LOCK = "digitsite:retrain:request"
TRAINING_LOCK = "digitsite:retrain:training"
_local_locks: defaultdict[str, threading.Lock] = defaultdict(threading.Lock)


class Busy(Conflict):
    """A run is queued or going, or a lock is held: one at a time. `run` is the run in the way, when there is one."""

    def __init__(self, message: str, run=None):
        super().__init__("retrain_busy", message)
        self.run = run


def redis_down(exc: BaseException) -> Unavailable:
    return Unavailable("redis_unavailable", f"Redis does not answer ({type(exc).__name__}), so the retrain cannot be "
                                            "queued. Recognition is not affected; try again when Redis is back.")


def redis_client() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=5)


@contextmanager
def exclusive(name: str, *, timeout: float, token: str | None = None, busy: str) -> Iterator[Callable[[], None]]:
    """Holds lock `name` (with a timeout in Redis). Raises Busy(busy) when it is held, Unavailable when Redis is
    configured but down; yields a function that extends the lock by another `timeout`."""
    if not settings.REDIS_URL:
        local = _local_locks[name]
        if not local.acquire(blocking=False):
            raise Busy(busy)
        try:
            yield lambda: None
        finally:
            local.release()
        return
    lock = redis_client().lock(name, timeout=timeout, thread_local=False)
    try:
        acquired = lock.acquire(blocking=False, token=token)
    except redis.RedisError as exc:
        raise redis_down(exc) from exc
    if not acquired:
        raise Busy(busy)
    try:
        yield lambda: lock.extend(timeout, replace_ttl=True)
    finally:
        try:
            lock.release()
        except redis.RedisError:
            log.warning("could not release %s (expired, or Redis went away)", name)


def run_token(run_id: int) -> str:
    return f"run-{run_id}"


def release_run_lock(run_id: int) -> None:
    """Frees the training lock a dead run still holds, so the next run need not wait for it to expire."""
    if not settings.REDIS_URL:
        return
    lock = redis_client().lock(TRAINING_LOCK, thread_local=False)
    lock.local.token = run_token(run_id).encode()
    try:
        lock.release()
    except redis.RedisError:
        pass  # not held by that run any more
