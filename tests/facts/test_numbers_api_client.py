"""The Numbers API client against our own server on 127.0.0.1: answers, every failure as one exception, the breaker."""
import logging
import threading
import time

import pytest

from facts import client
from facts.client import ApiFact, FactsUnavailable
from support.fake_numbers_api import FakeNumbersApi


def warnings_logged(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


def test_it_gets_a_fact_as_json(numbers_api):
    fact = client.fetch_fact(number=42, kind="math")
    assert fact == ApiFact(number=42, kind="math", text=FakeNumbersApi.text(42, "math"), found=True)
    assert numbers_api.requests == ["/42/math?json"]


def test_it_keeps_a_not_found_answer_as_not_found(numbers_api):
    numbers_api.mode = "not_found"
    fact = client.fetch_fact(number=123456789, kind="trivia")
    assert fact == ApiFact(number=123456789, kind="trivia", text="123456789 is an uninteresting number.", found=False)


def test_it_asks_for_many_numbers_in_one_batch_request(numbers_api):
    facts = client.fetch_facts(numbers=[7, 1, 2, 3, 9, 10], kind="trivia")
    assert numbers_api.requests == ["/1..3,7,9..10/trivia?json"]
    assert sorted(facts) == [1, 2, 3, 7, 9, 10]
    assert facts[7] == ApiFact(number=7, kind="trivia", text=FakeNumbersApi.text(7, "trivia"), found=True)


def test_a_batch_of_one_number_is_a_single_request(numbers_api):
    assert client.fetch_facts(numbers=[5], kind="year") == {5: client.fetch_fact(number=5, kind="year")}
    assert numbers_api.requests == ["/5/year?json", "/5/year?json"]


def test_a_batch_of_more_than_100_numbers_is_refused_before_any_request(numbers_api):
    with pytest.raises(ValueError):
        client.fetch_facts(numbers=list(range(101)), kind="trivia")
    assert numbers_api.requests == []


@pytest.mark.parametrize("mode, reason", [
    ("error", "HTTP status 500"),
    ("garbage", "the answer is not JSON"),
    ("wrong_fields", "the answer lacks a text or a found flag"),
    ("slow", "no answer within the timeout"),
])
def test_every_failure_is_one_exception_logged_once(numbers_api, caplog, mode, reason):
    numbers_api.mode = mode
    started = time.monotonic()
    with pytest.raises(FactsUnavailable, match=reason):
        client.fetch_fact(number=42, kind="trivia")
    assert time.monotonic() - started < 3.0  # connect 0.5 s + read 1.5 s at most, although the server sleeps 5 s
    assert warnings_logged(caplog) == [f"Numbers API {numbers_api.url}/42/trivia?json: {reason}"]


def test_a_refused_connection_is_the_same_exception_logged_once(caplog):
    with pytest.raises(FactsUnavailable, match="could not connect"):
        client.fetch_fact(number=42, kind="trivia")
    assert len(warnings_logged(caplog)) == 1


def test_an_answer_about_another_number_is_refused(numbers_api):
    numbers_api.mode = "another_number"
    with pytest.raises(FactsUnavailable, match=r"the answer is not about 42 \(trivia\)"):
        client.fetch_fact(number=42, kind="trivia")


def test_a_batch_answer_without_the_map_of_numbers_is_refused(numbers_api):
    numbers_api.mode = "wrong_fields"
    with pytest.raises(FactsUnavailable, match="the batch answer does not map each number asked to its fact"):
        client.fetch_facts(numbers=[1, 2], kind="trivia")


def test_the_breaker_opens_after_repeated_failures_and_the_server_sees_no_more_calls(numbers_api, settings, caplog):
    settings.NUMBERS_API_BREAKER_FAILURES = 3
    numbers_api.mode = "error"
    for _ in range(3):
        with pytest.raises(FactsUnavailable, match="HTTP status 500"):
            client.fetch_fact(number=1, kind="trivia")
    assert not client.available()
    numbers_api.mode = "fact"
    started = time.monotonic()
    for _ in range(10):
        with pytest.raises(FactsUnavailable, match="not calling it during the cool-down"):
            client.fetch_fact(number=1, kind="trivia")
    assert time.monotonic() - started < 0.1
    assert len(numbers_api.requests) == 3
    assert "Numbers API failed 3 times in a row: circuit open, no calls for 60 s" in warnings_logged(caplog)


def test_failures_that_are_not_in_a_row_do_not_open_the_breaker(numbers_api, settings):
    settings.NUMBERS_API_BREAKER_FAILURES = 2
    numbers_api.next_modes = ["error", "fact", "error", "fact", "error"]
    for _ in range(5):
        try:
            client.fetch_fact(number=1, kind="trivia")
        except FactsUnavailable:
            pass
    assert client.available()


def test_the_breaker_lets_one_trial_call_through_after_the_cool_down_and_closes_when_it_succeeds(numbers_api, settings):
    settings.NUMBERS_API_BREAKER_FAILURES = 2
    settings.NUMBERS_API_BREAKER_COOLDOWN = 0.3
    numbers_api.mode = "error"
    for _ in range(2):
        with pytest.raises(FactsUnavailable):
            client.fetch_fact(number=1, kind="trivia")
    assert not client.available()
    time.sleep(0.4)
    assert client.available()
    numbers_api.mode = "fact"
    assert client.fetch_fact(number=1, kind="trivia").found
    numbers_api.mode = "error"
    with pytest.raises(FactsUnavailable, match="HTTP status 500"):
        client.fetch_fact(number=1, kind="trivia")
    assert client.available()  # closed again: one failure is not enough to open it
    assert len(numbers_api.requests) == 4


def test_a_failed_trial_call_opens_the_breaker_for_another_cool_down(numbers_api, settings):
    settings.NUMBERS_API_BREAKER_FAILURES = 2
    settings.NUMBERS_API_BREAKER_COOLDOWN = 0.3
    numbers_api.mode = "error"
    for _ in range(2):
        with pytest.raises(FactsUnavailable):
            client.fetch_fact(number=1, kind="trivia")
    time.sleep(0.4)
    with pytest.raises(FactsUnavailable, match="HTTP status 500"):
        client.fetch_fact(number=1, kind="trivia")
    with pytest.raises(FactsUnavailable, match="not calling it during the cool-down"):
        client.fetch_fact(number=1, kind="trivia")
    assert len(numbers_api.requests) == 3


def test_only_one_trial_call_goes_through_while_the_breaker_is_half_open(numbers_api, settings):
    settings.NUMBERS_API_BREAKER_FAILURES = 1
    settings.NUMBERS_API_BREAKER_COOLDOWN = 0.2
    numbers_api.mode = "error"
    with pytest.raises(FactsUnavailable):
        client.fetch_fact(number=1, kind="trivia")
    time.sleep(0.3)
    numbers_api.mode, numbers_api.delay = "slow", 0.5
    outcomes = []

    def call():
        try:
            outcomes.append(client.fetch_fact(number=1, kind="trivia").found)
        except FactsUnavailable:
            outcomes.append("refused")

    callers = [threading.Thread(target=call) for _ in range(4)]
    for t in callers:
        t.start()
    for t in callers:
        t.join(5)
    assert sorted(outcomes, key=str) == [True, "refused", "refused", "refused"]
    assert len(numbers_api.requests) == 2
    assert client.available()
