"""A slow fact's answer is still stored when Redis answered a moment ago but takes no task now."""
import pytest

from facts import services
from facts.models import NumberFact
from facts.services import fact_for
from support.fake_numbers_api import FakeNumbersApi
from support.services import free_port


@pytest.mark.django_db(transaction=True)
def test_an_answer_after_the_budget_is_stored_here_when_the_broker_refuses_the_task(numbers_api, settings,
                                                                                      monkeypatch, caplog):
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"             # nothing listens there any more
    monkeypatch.setattr(services, "broker_answers", lambda: True)         # it did a few seconds ago
    numbers_api.mode, numbers_api.delay = "slow", 0.8
    assert fact_for(number=42, kind="trivia")["source"] == "computed"
    assert services.wait_for_background_fetches(timeout=5)
    assert list(NumberFact.objects.values_list("number", "kind", "text", "source")) == [
        (42, "trivia", FakeNumbersApi.text(42, "trivia"), "numbersapi")]
    assert numbers_api.requests == ["/42/trivia?json"]                     # the call in flight, not a second one
    assert "Redis does not answer" in caplog.text
