"""The API's rate limit: keyed on the real client, and still there (per process) when Redis is down."""
import pytest
from django.core.cache import cache
from django.test import override_settings

from digitsite import throttling
from support.services import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def three_a_minute(monkeypatch):
    monkeypatch.setattr(throttling.VisitorRateThrottle, "THROTTLE_RATES", {"anon": "3/min"})
    monkeypatch.setattr(throttling, "_shared_down_until", 0.0)
    cache.clear()
    throttling._local_cache.clear()
    yield
    cache.clear()
    throttling._local_cache.clear()


def statuses(client, count, **headers):
    return [client.post("/api/recognize/", {"image": "x"}, format="json", **headers).status_code
            for _ in range(count)]


def test_it_throttles_a_client_that_sends_too_many_drawings(api_client):
    codes = statuses(api_client, 4)
    assert codes == [400, 400, 400, 429]
    assert api_client.post("/api/recognize/", {"image": "x"}, format="json").json()["error"]["code"] == "throttled"


def test_a_new_x_forwarded_for_on_each_request_does_not_get_around_the_limit(api_client):
    codes = [api_client.post("/api/recognize/", {"image": "x"}, format="json",
                             HTTP_X_FORWARDED_FOR=f"10.1.0.{n}").status_code for n in range(6)]
    assert codes == [400, 400, 400, 429, 429, 429]


def test_behind_one_proxy_the_address_it_saw_is_the_client(api_client, settings):
    from rest_framework.settings import api_settings
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    try:
        assert api_settings.NUM_PROXIES == 1
        first = statuses(api_client, 4, HTTP_X_FORWARDED_FOR="203.0.113.7")
        other = statuses(api_client, 1, HTTP_X_FORWARDED_FOR="spoofed, 203.0.113.8")
    finally:
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 0}
    assert first == [400, 400, 400, 429]
    assert other == [400]        # another client: its own count, whatever it put before our proxy's entry


def test_with_redis_down_requests_are_answered_and_still_limited_in_this_process(api_client, caplog):
    dead_redis = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                              "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
                              "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5}}}
    with override_settings(CACHES=dead_redis):
        codes = statuses(api_client, 4)
    assert codes == [400, 400, 400, 429]
    assert "rate limit cache unavailable (ConnectionError)" in caplog.text
