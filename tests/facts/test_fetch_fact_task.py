"""With Redis, the fact a visitor did not wait for is fetched by a real Celery worker and served to the next visitor."""
import time

import pytest
from celery.contrib.testing.worker import start_worker

from digitsite.celery import app
from facts.models import NumberFact
from facts.services import fact_for
from tests.conftest import missing_service
from support.fake_numbers_api import FakeNumbersApi
from support.services import start_redis_server


@pytest.fixture
def celery_worker(settings, tmp_path):
    """A worker thread on a Redis of its own, so no other test run's worker takes our tasks or we theirs."""
    started = start_redis_server(tmp_path)
    if not started:
        missing_service("Redis (redis-server)")
    redis, url = started
    previous_broker = app.conf.broker_url
    settings.REDIS_URL = app.conf.broker_url = url
    app.close()  # forget connections to the previous broker
    app.loader.import_default_modules()   # as `celery worker` does at start: every app's tasks.py is registered
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield
    finally:
        app.conf.broker_url = previous_broker
        app.close()
        redis.terminate()
        redis.wait(5)


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_a_worker_fetches_the_fact_a_visitor_did_not_wait_for(numbers_api, celery_worker):
    numbers_api.mode, numbers_api.delay = "slow", 0.8
    started = time.monotonic()
    first = fact_for(number=42, kind="trivia")
    assert time.monotonic() - started < 0.7
    assert first["source"] == "computed"
    deadline = time.monotonic() + 15
    while not NumberFact.objects.filter(number=42, kind="trivia").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert fact_for(number=42, kind="trivia") == {
        "number": 42, "type": "trivia", "text": FakeNumbersApi.text(42, "trivia"), "found": True,
        "source": "numbersapi"}
    assert numbers_api.requests == ["/42/trivia?json", "/42/trivia?json"]  # the visitor's call, then the task's
