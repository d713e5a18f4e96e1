"""Admin login is rate-limited (django-axes): after 5 wrong passwords for one username from one client IP, that
username is refused from that IP for 15 minutes, even with the right password; visitors are not affected."""
import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"
PASSWORD = "the-right-password-42"
LOCKED = "Account locked: too many login attempts"


@pytest.fixture
def boss():
    return get_user_model().objects.create_superuser("boss", "boss@example.com", PASSWORD)


def log_in(client, password, *, ip="203.0.113.7", username="boss", **headers):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip, **headers)


def fail_five_times(client, **kwargs):
    responses = [log_in(client, "wrong", **kwargs) for _ in range(5)]
    assert [r.status_code for r in responses[:4]] == [200] * 4     # the form again, with its error
    assert "Please enter the correct username and password" in responses[0].content.decode()
    assert responses[4].status_code == 429


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_the_sixth_attempt_after_five_wrong_passwords_is_refused_even_with_the_right_one(client, boss):
    fail_five_times(client)
    response = log_in(client, PASSWORD)
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert not logged_in(client)


def test_four_wrong_passwords_do_not_lock_and_the_right_one_then_logs_in(client, boss):
    for _ in range(4):
        assert log_in(client, "wrong").status_code == 200
    response = log_in(client, PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert logged_in(client)


def test_a_visitor_page_still_works_from_a_locked_out_address(client, boss):
    fail_five_times(client)
    assert client.get("/", REMOTE_ADDR="203.0.113.7").status_code == 200
    assert client.get("/history/", REMOTE_ADDR="203.0.113.7").status_code == 200


def test_the_same_user_from_another_address_can_still_log_in(client, boss):
    fail_five_times(client, ip="203.0.113.7")
    response = log_in(client, PASSWORD, ip="198.51.100.20")
    assert response.status_code == 302
    assert logged_in(client)


def test_x_forwarded_for_is_ignored_without_proxies(client, boss, settings):
    settings.NUM_PROXIES = 0
    responses = [log_in(client, "wrong", HTTP_X_FORWARDED_FOR=f"10.1.0.{n}") for n in range(5)]
    assert responses[-1].status_code == 429
    response = log_in(client, PASSWORD, HTTP_X_FORWARDED_FOR="10.1.0.99")
    assert response.status_code == 429
    assert not logged_in(client)


def test_behind_one_proxy_the_forwarded_address_is_the_client(client, boss, settings):
    settings.NUM_PROXIES = 1
    fail_five_times(client, ip="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert log_in(client, PASSWORD, ip="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 429
    response = log_in(client, PASSWORD, ip="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.20")
    assert response.status_code == 302
    assert logged_in(client)


def test_the_limit_holds_with_redis_down(client, boss, settings):
    """Attempts are counted in the database, not the cache: a dead Redis changes nothing."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:9/0"}}
    fail_five_times(client)
    assert log_in(client, PASSWORD).status_code == 429
