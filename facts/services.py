"""fact_for(): a fact about a number, from the cache, else the Numbers API within the time budget, else computed."""
import logging
import threading
import time
from collections.abc import Iterable
from concurrent import futures

from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from digitsite.background import broker_answers, queue_task, run_here, wait_for_threads
from digitsite.domain import Unavailable

from . import client, computed
from .models import MAX_NUMBER, NumberFact

log = logging.getLogger(__name__)

KINDS = tuple(NumberFact.Kind.values)
FETCH_TASK = "facts.tasks.fetch_fact"

# Calls to the API a request waits on run here, so the request can stop waiting for them; a call it stopped
# waiting for goes on running here, and its answer is stored by background work (_finish_in_background).
_workers = futures.ThreadPoolExecutor(max_workers=8, thread_name_prefix="facts")
_pending: set[futures.Future] = set()

# Stored facts answered from this process's memory before the database: they change only when staff edit one,
# which every process sees within FACT_CACHE_SECONDS. Bounded: emptied when it holds FACT_CACHE_SIZE answers.
FACT_CACHE_SIZE = 10_000
_known: dict[tuple[int, str], tuple[float, dict]] = {}
_pending_lock = threading.Lock()


def fact_for(*, number: int, kind: str) -> dict:
    """{"number", "type", "text", "found", "source"} for 0 <= number <= 10^18 and a kind in KINDS.

    A stored Numbers API fact if we have one; else the API is asked and waited for at most FACT_BUDGET_SECONDS
    (its answer is stored); else a computed fact. A call that outlives the budget is finished in the background
    (a Celery task when Redis answers, else the call in flight) and stored for the next visitor. When the API
    has no fact ("found": false, stored as such) or cannot answer, the fact is computed, and a date or year fact
    becomes a math fact. Never raises for the API's failures.
    """
    _check(number=number, kind=kind)
    known = _known.get((number, kind))
    if known is not None and time.monotonic() - known[0] < settings.FACT_CACHE_SECONDS:
        return dict(known[1])
    stored = _api_facts().filter(number=number, kind=kind).first()
    if stored is not None:
        return _remember(stored)
    if not client.available():
        return _computed(number=number, kind=kind)
    call = _submit(client.fetch_fact, number=number, kind=kind)
    try:
        answer = call.result(timeout=settings.FACT_BUDGET_SECONDS)
    except futures.TimeoutError:
        _finish_in_background(call, number=number, kind=kind)
        return _computed(number=number, kind=kind)
    except client.FactsUnavailable:
        return _computed(number=number, kind=kind)
    (fact,) = _store([answer])
    return _remember(fact)


def _remember(fact: NumberFact) -> dict:
    """The answer for a stored fact, kept in this process's memory for the next visitor who asks."""
    answer = _shape(fact) if fact.found else _computed(number=fact.number, kind=fact.kind)
    if len(_known) >= FACT_CACHE_SIZE:
        _known.clear()
    _known[(fact.number, str(fact.kind))] = (time.monotonic(), answer)
    return dict(answer)


def forget_known_facts() -> None:
    """Empties this process's memory of stored facts (tests change the database under it)."""
    _known.clear()


def fact_fetch(*, number: int, kind: str) -> None:
    """Asks the API for a fact we do not have yet and stores the answer; does nothing when it is stored already,
    so running it twice is safe. Raises client.FactsUnavailable."""
    _check(number=number, kind=kind)
    if not _api_facts().filter(number=number, kind=kind).exists():
        _store([client.fetch_fact(number=number, kind=kind)])


def facts_missing(*, numbers: range, kind: str) -> list[int]:
    """The numbers in the range with no stored Numbers API fact of this kind."""
    stored = set(_api_facts().filter(number__gte=numbers.start, number__lt=numbers.stop, kind=kind)
                 .values_list("number", flat=True))
    return [n for n in numbers if n not in stored]


def facts_fetch_batch(*, numbers: list[int], kind: str) -> list[NumberFact]:
    """One batch request for up to client.BATCH_LIMIT numbers; stores every answer. Raises client.FactsUnavailable."""
    for number in numbers:
        _check(number=number, kind=kind)
    return _store(client.fetch_facts(numbers=numbers, kind=kind).values())


def facts_refetch(*, facts: QuerySet[NumberFact]) -> int:
    """Asks the API again for these facts, in batch requests, and stores the answers; returns how many.
    Raises client.FactsUnavailable (the batches before the failure are stored)."""
    count = 0
    for kind in KINDS:
        numbers = sorted(facts.filter(kind=kind).values_list("number", flat=True))
        for start in range(0, len(numbers), client.BATCH_LIMIT):
            count += len(facts_fetch_batch(numbers=numbers[start:start + client.BATCH_LIMIT], kind=kind))
    return count


def wait_for_background_fetches(timeout: float) -> bool:
    """Waits for the API calls and stores still running in the background; False if some outlived the timeout.
    For an orderly stop, benchmarks and tests."""
    deadline = time.monotonic() + timeout
    with _pending_lock:
        running = list(_pending)
    calls_done = not futures.wait(running, timeout=timeout).not_done
    return wait_for_threads(max(0.0, deadline - time.monotonic())) and calls_done


def _api_facts() -> QuerySet[NumberFact]:
    """Stored facts are the API's; a computed fact is never served from the cache as if it were one."""
    return NumberFact.objects.filter(source=NumberFact.Source.NUMBERSAPI)


def _check(*, number: int, kind: str) -> None:
    if not 0 <= number <= MAX_NUMBER:
        raise ValueError(f"facts are about numbers from 0 to {MAX_NUMBER}, not {number}")
    if kind not in KINDS:
        raise ValueError(f"the kind of fact is one of {', '.join(KINDS)}, not {kind!r}")


def _submit(fn, **kwargs) -> futures.Future:
    future = _workers.submit(fn, **kwargs)
    with _pending_lock:
        _pending.add(future)
    future.add_done_callback(_forget)
    return future


def _forget(future: futures.Future) -> None:
    with _pending_lock:
        _pending.discard(future)


def _finish_in_background(call: futures.Future, *, number: int, kind: str) -> None:
    transaction.on_commit(lambda: _queue_or_store_here(call, number=number, kind=kind), robust=True)


def _queue_or_store_here(call: futures.Future, *, number: int, kind: str) -> None:
    """A Celery worker fetches the fact again when Redis takes the task; else a thread here stores the answer of
    the call in flight."""
    if broker_answers():
        try:
            queue_task(FETCH_TASK, kwargs={"number": number, "kind": kind})
            return
        except Unavailable as exc:
            log.warning("%s Storing the answer in this process instead.", exc.message)
    run_here(lambda: _store_when_answered(call=call), name=f"fact-{number}-{kind}")


def _store_when_answered(*, call: futures.Future) -> None:
    """Waits for a call the request stopped waiting for and stores its answer."""
    try:
        _store([call.result()])
    except client.FactsUnavailable:
        pass  # the client logged it
    finally:
        connection.close()  # a thread's own connection; close_old_connections keeps it for CONN_MAX_AGE


def _store(answers: Iterable[client.ApiFact]) -> list[NumberFact]:
    """Inserts or updates one row per (number, kind); two visitors storing the same fact at once is fine."""
    now = timezone.now()
    rows = [NumberFact(number=a.number, kind=a.kind, text=a.text, found=a.found,
                       source=NumberFact.Source.NUMBERSAPI, fetched_at=now) for a in answers]
    return NumberFact.objects.bulk_create(rows, update_conflicts=True, unique_fields=["number", "kind"],
                                          update_fields=["text", "found", "source", "fetched_at"])


def _shape(fact: NumberFact) -> dict:
    return {"number": fact.number, "type": str(fact.kind), "text": fact.text, "found": fact.found,
            "source": str(fact.source)}


def _computed(*, number: int, kind: str) -> dict:
    shown_kind = kind if kind in (NumberFact.Kind.TRIVIA, NumberFact.Kind.MATH) else NumberFact.Kind.MATH
    return {"number": number, "type": str(shown_kind), "text": computed.any_statement(number), "found": True,
            "source": str(NumberFact.Source.COMPUTED)}
