"""Fixtures of the facts tests: our own Numbers API on 127.0.0.1, and no call to any other host."""
import pytest

from facts import client, services
from support.fake_numbers_api import FakeNumbersApi
from support.services import free_port


@pytest.fixture(autouse=True)
def no_other_host(settings):
    """Every facts test starts with a closed breaker, no Redis (background work in threads), and the API pointed
    at a closed port on 127.0.0.1; it ends with no call to the API still running."""
    settings.NUMBERS_API_URL = f"http://127.0.0.1:{free_port()}"
    settings.REDIS_URL = None
    client.breaker.reset()
    yield
    assert services.wait_for_background_fetches(timeout=10)
    client.breaker.reset()


@pytest.fixture
def numbers_api(settings):
    api = FakeNumbersApi().start()
    settings.NUMBERS_API_URL = api.url
    yield api
    assert services.wait_for_background_fetches(timeout=10)  # nobody waits for a slow answer any more
    api.stop()
