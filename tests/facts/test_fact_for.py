"""fact_for(): what a visitor gets, how long it takes and what is stored, for each way the Numbers API behaves."""
import logging
import time

import pytest

from facts import computed, services
from facts.models import NumberFact
from facts.services import fact_for
from support.fake_numbers_api import FakeNumbersApi

pytestmark = pytest.mark.django_db


def timed_fact_for(**kwargs) -> tuple[dict, float]:
    started = time.monotonic()
    fact = fact_for(**kwargs)
    return fact, time.monotonic() - started


def assert_computed(fact: dict, *, number: int, kind: str) -> None:
    assert fact["source"] == "computed"
    assert fact["number"] == number and fact["type"] == kind and fact["found"] is True
    assert fact["text"] in computed.statements(number)


def stored() -> list[tuple]:
    return list(NumberFact.objects.values_list("number", "kind", "text", "found", "source"))


def test_a_visitor_gets_the_numbers_api_fact_and_it_is_stored(numbers_api):
    assert fact_for(number=42, kind="trivia") == {
        "number": 42, "type": "trivia", "text": "42 is the number of our trivia test fact.", "found": True,
        "source": "numbersapi"}
    assert stored() == [(42, "trivia", "42 is the number of our trivia test fact.", True, "numbersapi")]


def test_the_next_visitor_gets_the_stored_fact_without_a_call_to_the_api(numbers_api):
    first = fact_for(number=42, kind="math")
    numbers_api.mode = "error"
    assert fact_for(number=42, kind="math") == first
    assert numbers_api.requests == ["/42/math?json"]


def test_a_stored_fact_is_served_while_the_api_is_down():
    NumberFact.objects.create(number=7, kind="year", text="7 is the year of a test.", found=True)
    fact, seconds = timed_fact_for(number=7, kind="year")
    assert fact == {"number": 7, "type": "year", "text": "7 is the year of a test.", "found": True,
                    "source": "numbersapi"}
    assert seconds < 0.2


def test_a_not_found_answer_is_stored_as_such_and_the_visitor_gets_a_computed_fact(numbers_api):
    numbers_api.mode = "not_found"
    assert_computed(fact_for(number=123456789, kind="trivia"), number=123456789, kind="trivia")
    assert stored() == [(123456789, "trivia", "123456789 is an uninteresting number.", False, "numbersapi")]
    assert_computed(fact_for(number=123456789, kind="trivia"), number=123456789, kind="trivia")
    assert len(numbers_api.requests) == 1


@pytest.mark.parametrize("mode", ["error", "garbage", "wrong_fields", "another_number"])
def test_a_broken_api_costs_the_visitor_little_and_nothing_is_stored(numbers_api, mode):
    numbers_api.mode = mode
    fact, seconds = timed_fact_for(number=42, kind="trivia")
    assert_computed(fact, number=42, kind="trivia")
    assert seconds < 1.0
    assert stored() == []


def test_a_refused_connection_costs_the_visitor_little_and_nothing_is_stored():
    fact, seconds = timed_fact_for(number=42, kind="math")
    assert_computed(fact, number=42, kind="math")
    assert seconds < 1.0
    assert stored() == []


def test_a_hanging_api_adds_at_most_the_budget_to_a_request(numbers_api, settings):
    numbers_api.mode, numbers_api.delay = "slow", 5.0
    fact, seconds = timed_fact_for(number=42, kind="trivia")
    assert_computed(fact, number=42, kind="trivia")
    assert settings.FACT_BUDGET_SECONDS <= seconds < 1.0
    assert services.wait_for_background_fetches(timeout=5)  # the read timeout ends the call the visitor left
    assert stored() == []


@pytest.mark.django_db(transaction=True)
def test_an_answer_that_comes_after_the_budget_is_stored_for_the_next_visitor(numbers_api):
    numbers_api.mode, numbers_api.delay = "slow", 0.8
    fact, seconds = timed_fact_for(number=42, kind="trivia")
    assert_computed(fact, number=42, kind="trivia")
    assert seconds < 0.7
    assert services.wait_for_background_fetches(timeout=5)
    assert stored() == [(42, "trivia", FakeNumbersApi.text(42, "trivia"), True, "numbersapi")]
    fact, seconds = timed_fact_for(number=42, kind="trivia")
    assert fact["source"] == "numbersapi" and fact["text"] == FakeNumbersApi.text(42, "trivia")
    assert seconds < 0.2
    assert numbers_api.requests == ["/42/trivia?json"]


@pytest.mark.parametrize("kind", ["date", "year"])
def test_a_date_or_year_fact_the_api_cannot_give_becomes_a_math_fact(kind):
    assert_computed(fact_for(number=60, kind=kind), number=60, kind="math")


def test_the_breaker_opens_after_repeated_failures_then_the_api_is_not_called(numbers_api, settings):
    settings.NUMBERS_API_BREAKER_FAILURES = 3
    numbers_api.mode = "error"
    for _ in range(3):
        assert_computed(fact_for(number=42, kind="trivia"), number=42, kind="trivia")
    numbers_api.mode = "fact"
    started = time.monotonic()
    for number in range(100, 120):
        assert_computed(fact_for(number=number, kind="trivia"), number=number, kind="trivia")
    assert time.monotonic() - started < 1.0
    assert len(numbers_api.requests) == 3
    assert stored() == []


def test_the_breaker_closes_after_the_cool_down_when_the_api_answers_again(numbers_api, settings):
    settings.NUMBERS_API_BREAKER_FAILURES = 2
    settings.NUMBERS_API_BREAKER_COOLDOWN = 0.3
    numbers_api.mode = "error"
    for _ in range(3):
        fact_for(number=42, kind="trivia")
    assert len(numbers_api.requests) == 2
    time.sleep(0.4)
    numbers_api.mode = "fact"
    assert fact_for(number=42, kind="trivia")["source"] == "numbersapi"
    assert fact_for(number=43, kind="trivia")["source"] == "numbersapi"
    assert len(numbers_api.requests) == 4


def test_a_failure_is_logged_once(numbers_api, caplog):
    numbers_api.mode = "error"
    fact_for(number=42, kind="trivia")
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == [
        f"Numbers API {numbers_api.url}/42/trivia?json: HTTP status 500"]


def test_the_largest_number_gets_a_fact():
    assert_computed(fact_for(number=10**18, kind="trivia"), number=10**18, kind="trivia")


@pytest.mark.parametrize("number, kind", [(-1, "trivia"), (10**18 + 1, "trivia"), (42, "gossip")])
def test_it_refuses_a_number_or_kind_it_has_no_facts_for(number, kind):
    with pytest.raises(ValueError):
        fact_for(number=number, kind=kind)


def test_a_stored_fact_is_answered_from_memory_until_its_time_is_up(numbers_api, settings, django_assert_num_queries):
    settings.FACT_CACHE_SECONDS = 60
    first = fact_for(number=7, kind="trivia")
    NumberFact.objects.filter(number=7, kind="trivia").update(text="7 was edited by staff.")
    with django_assert_num_queries(0):
        assert fact_for(number=7, kind="trivia") == first
    settings.FACT_CACHE_SECONDS = 0
    assert fact_for(number=7, kind="trivia")["text"] == "7 was edited by staff."
