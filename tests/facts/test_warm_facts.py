"""manage.py warm_facts: batch requests, a progress bar, a rate limit, resuming, a clear error when the API is down."""
import io
import re
import time

import pytest
from django.core.management import CommandError, call_command

from facts.models import NumberFact
from support.fake_numbers_api import FakeNumbersApi

pytestmark = pytest.mark.django_db


def warm(*args: str) -> str:
    out = io.StringIO()
    call_command("warm_facts", *args, stdout=out)
    return out.getvalue()


def test_it_fills_the_cache_with_batch_requests_of_100(numbers_api):
    output = warm("0", "249", "--kind", "trivia", "--rate", "100")
    assert numbers_api.requests == ["/0..99/trivia?json", "/100..199/trivia?json", "/200..249/trivia?json"]
    assert NumberFact.objects.filter(kind="trivia", source="numbersapi", found=True).count() == 250
    assert NumberFact.objects.get(number=249).text == FakeNumbersApi.text(249, "trivia")
    assert "[##############################] 250/250 250 stored, 0 already there" in output
    assert output.endswith("Stored 250 trivia facts in 3 requests; 0 were stored already.\n")


def test_it_skips_the_numbers_already_stored_so_a_second_run_resumes(numbers_api):
    warm("10", "19", "--kind", "math", "--rate", "100")
    warm("150", "150", "--kind", "math", "--rate", "100")
    numbers_api.requests.clear()
    output = warm("0", "199", "--kind", "math", "--rate", "100")
    assert numbers_api.requests == ["/0..9,20..99/math?json", "/100..149,151..199/math?json"]
    assert output.endswith("Stored 189 math facts in 2 requests; 11 were stored already.\n")
    numbers_api.requests.clear()
    output = warm("0", "199", "--kind", "math", "--rate", "100")
    assert numbers_api.requests == []
    assert output.endswith("Stored 0 math facts in 0 requests; 200 were stored already.\n")
    assert NumberFact.objects.filter(kind="math").count() == 200


def test_it_keeps_to_the_rate_asked(numbers_api):
    started = time.monotonic()
    warm("0", "39", "--chunk", "10", "--rate", "5")
    assert time.monotonic() - started >= 0.55
    gaps = [b - a for a, b in zip(numbers_api.times, numbers_api.times[1:])]
    assert len(gaps) == 3 and min(gaps) >= 0.18


def test_it_stops_with_a_clear_error_when_the_api_fails_and_keeps_what_it_stored(numbers_api):
    numbers_api.next_modes = ["fact", "error"]
    with pytest.raises(CommandError) as failure:
        warm("0", "299", "--rate", "100")
    assert str(failure.value) == (
        f"The Numbers API at {numbers_api.url} is unavailable ({numbers_api.url}/100..199/trivia?json: "
        "HTTP status 500). Stored 100 facts before it failed; run the same command again to resume.")
    assert NumberFact.objects.count() == 100
    numbers_api.requests.clear()
    warm("0", "299", "--rate", "100")
    assert numbers_api.requests == ["/100..199/trivia?json", "/200..299/trivia?json"]
    assert NumberFact.objects.count() == 300


def test_it_stops_with_a_clear_error_when_the_api_cannot_be_reached():
    with pytest.raises(CommandError, match=r"is unavailable \(.*could not connect\)"):
        warm("0", "9")
    assert not NumberFact.objects.exists()


@pytest.mark.parametrize("args, message", [
    (["5", "4"], "FIRST and LAST must satisfy 0 <= FIRST <= LAST <= 1000000000000000000."),
    (["0", "1000000000000000001"], "FIRST and LAST must satisfy 0 <= FIRST <= LAST <= 1000000000000000000."),
    (["0", "9", "--rate", "0"], "--rate must be above 0 requests per second."),
    (["0", "9", "--chunk", "101"], "--chunk must be from 1 to 100."),
])
def test_it_refuses_arguments_it_cannot_use(args, message):
    with pytest.raises(CommandError, match=f"^{re.escape(message)}$"):
        warm(*args)
