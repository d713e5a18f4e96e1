"""The Numbers API client, the only module that speaks HTTP: pooled, time-limited, behind a circuit breaker."""
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter

log = logging.getLogger(__name__)
T = TypeVar("T")

BATCH_LIMIT = 100  # the Numbers API answers at most 100 numbers in one batch request


class FactsUnavailable(Exception):
    """The Numbers API gave no usable answer: refused, timed out, an error status, a malformed body,
    or the circuit breaker is open."""


class MalformedAnswer(Exception):
    """An answer that is JSON but not a fact about the number asked."""


@dataclass(frozen=True)
class ApiFact:
    number: int
    kind: str
    text: str
    found: bool


class CircuitBreaker:
    """Counts failures in a row; at NUMBERS_API_BREAKER_FAILURES it opens and refuses calls for the cool-down,
    then lets one trial call through (half-open): its success closes the breaker, its failure opens it again."""

    def __init__(self):
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.failures, self.opened_at, self.trial_in_flight = 0, None, False

    def _cooling_down(self) -> bool:
        return time.monotonic() - self.opened_at < settings.NUMBERS_API_BREAKER_COOLDOWN

    def is_open(self) -> bool:
        """True while a call would be refused: cooling down, or half-open with its one trial call in flight."""
        with self._lock:
            return self.opened_at is not None and (self.trial_in_flight or self._cooling_down())

    def allow(self) -> bool:
        """Whether to make a call now; in the half-open state only the first caller gets True."""
        with self._lock:
            if self.opened_at is None:
                return True
            if self.trial_in_flight or self._cooling_down():
                return False
            self.trial_in_flight = True
            return True

    def record_success(self) -> None:
        with self._lock:
            if self.opened_at is not None:
                log.info("Numbers API answered again: circuit closed")
            self.failures, self.opened_at, self.trial_in_flight = 0, None, False

    def record_failure(self) -> None:
        with self._lock:
            self.failures += 1
            self.trial_in_flight = False
            if self.opened_at is not None or self.failures >= settings.NUMBERS_API_BREAKER_FAILURES:
                if self.opened_at is None:
                    log.warning("Numbers API failed %d times in a row: circuit open, no calls for %g s",
                                self.failures, settings.NUMBERS_API_BREAKER_COOLDOWN)
                self.opened_at = time.monotonic()


breaker = CircuitBreaker()

_session = requests.Session()
_adapter = HTTPAdapter(pool_connections=1, pool_maxsize=8, max_retries=0)
_session.mount("http://", _adapter)
_session.mount("https://", _adapter)


def available() -> bool:
    """False while the circuit breaker is open, when a call would fail at once."""
    return not breaker.is_open()


def fetch_fact(*, number: int, kind: str) -> ApiFact:
    """GET {NUMBERS_API_URL}/{number}/{kind}?json. Raises FactsUnavailable."""
    return _call(f"{number}/{kind}", lambda body: _parse_fact(body, number=number, kind=kind))


def fetch_facts(*, numbers: list[int], kind: str) -> dict[int, ApiFact]:
    """One batch request, GET {NUMBERS_API_URL}/1..3,7/{kind}?json, for at most BATCH_LIMIT numbers.
    Raises FactsUnavailable, also when the answer lacks one of the numbers."""
    numbers = sorted(set(numbers))
    if len(numbers) > BATCH_LIMIT:
        raise ValueError(f"at most {BATCH_LIMIT} numbers in one batch, not {len(numbers)}")
    if len(numbers) <= 1:
        # The API answers a batch of one with a single fact, not a map.
        return {n: fetch_fact(number=n, kind=kind) for n in numbers}
    return _call(f"{_ranges(numbers)}/{kind}", lambda body: _parse_batch(body, numbers=numbers, kind=kind))


def _call(path: str, parse: Callable[[object], T]) -> T:
    if not breaker.allow():
        raise FactsUnavailable("the Numbers API failed repeatedly; not calling it during the cool-down")
    url = f"{settings.NUMBERS_API_URL.rstrip('/')}/{path}?json"
    try:
        timeout = (settings.NUMBERS_API_CONNECT_TIMEOUT, settings.NUMBERS_API_READ_TIMEOUT)
        response = _session.get(url, timeout=timeout)
        response.raise_for_status()
        result = parse(response.json())
    except Exception as exc:  # even an unexpected failure must reach the breaker, or a half-open trial never ends
        breaker.record_failure()
        reason = _reason(exc)
        log.warning("Numbers API %s: %s", url, reason)
        raise FactsUnavailable(f"{url}: {reason}") from exc
    breaker.record_success()
    return result


def _reason(exc: Exception) -> str:
    if isinstance(exc, requests.Timeout):
        return "no answer within the timeout"
    if isinstance(exc, requests.ConnectionError):
        return "could not connect"
    if isinstance(exc, requests.HTTPError):
        return f"HTTP status {exc.response.status_code}"
    if isinstance(exc, requests.JSONDecodeError):
        return "the answer is not JSON"
    if isinstance(exc, MalformedAnswer):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


def _parse_fact(body: object, *, number: int, kind: str) -> ApiFact:
    if not isinstance(body, dict):
        raise MalformedAnswer("the answer is not a JSON object")
    text, found = body.get("text"), body.get("found")
    if not isinstance(text, str) or not text.strip() or not isinstance(found, bool):
        raise MalformedAnswer("the answer lacks a text or a found flag")
    answered_number = body.get("number", number)
    if isinstance(answered_number, bool) or answered_number != number or body.get("type", kind) != kind:
        raise MalformedAnswer(f"the answer is not about {number} ({kind})")
    return ApiFact(number=number, kind=kind, text=text.strip(), found=found)


def _parse_batch(body: object, *, numbers: list[int], kind: str) -> dict[int, ApiFact]:
    if not isinstance(body, dict) or set(body) != {str(n) for n in numbers}:
        raise MalformedAnswer("the batch answer does not map each number asked to its fact")
    return {n: _parse_fact(body[str(n)], number=n, kind=kind) for n in numbers}


def _ranges(numbers: list[int]) -> str:
    """Sorted numbers in the API's batch syntax: [1, 2, 3, 7, 9, 10] -> '1..3,7,9..10'."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return ",".join(str(a) if a == b else f"{a}..{b}" for a, b in runs)
