"""The API's rate limit, counted in the shared cache (Redis) and in this process while Redis cannot be reached."""
import logging
import time

from django.core.cache.backends.locmem import LocMemCache
from rest_framework.throttling import AnonRateThrottle

log = logging.getLogger(__name__)
RETRY_SHARED_AFTER = 10.0    # seconds to count locally after the shared cache failed, before trying it again

_local_cache = LocMemCache("throttle-fallback", {"OPTIONS": {"MAX_ENTRIES": 10_000}})
_shared_down_until = 0.0


class VisitorRateThrottle(AnonRateThrottle):
    """AnonRateThrottle (keyed on the client IP, X-Forwarded-For only behind NUM_PROXIES proxies) that never
    fails a request because its cache is down: it falls back to a per-process count and logs a warning."""

    def allow_request(self, request, view):
        global _shared_down_until
        if time.monotonic() < _shared_down_until:
            self.cache = _local_cache
            return super().allow_request(request, view)
        try:
            return super().allow_request(request, view)
        except Exception as exc:   # any failure of the cache backend (redis-py raises its own and OSError)
            _shared_down_until = time.monotonic() + RETRY_SHARED_AFTER
            log.warning("rate limit cache unavailable (%s): counting in this process for %.0f s",
                        type(exc).__name__, RETRY_SHARED_AFTER)
            self.cache = _local_cache
            return super().allow_request(request, view)
