"""The fact library in the admin: pages load for a superuser, search by number, filters, the refetch action."""
import pytest

from facts.models import NumberFact
from support.fake_numbers_api import FakeNumbersApi

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/facts/numberfact/"


@pytest.fixture
def facts():
    return [NumberFact.objects.create(number=n, kind=kind, text=f"old {kind} fact about {n}", found=found)
            for n, kind, found in [(42, "trivia", True), (42, "math", True), (7, "date", False), (420, "trivia", True)]]


def test_the_changelist_shows_every_fact(admin_client, facts):
    response = admin_client.get(CHANGELIST)
    assert response.status_code == 200
    for fact in facts:
        assert fact.text in response.content.decode()


def test_it_searches_by_number(admin_client, facts):
    page = admin_client.get(CHANGELIST, {"q": "42"}).content.decode()
    assert "old trivia fact about 42" in page and "old math fact about 42" in page
    assert "about 420" not in page and "about 7" not in page


def test_a_search_for_words_finds_nothing_and_does_not_fail(admin_client, facts):
    response = admin_client.get(CHANGELIST, {"q": "forty-two"})
    assert response.status_code == 200
    assert "old trivia fact" not in response.content.decode()


def test_it_filters_by_kind_and_source(admin_client, facts):
    page = admin_client.get(CHANGELIST, {"kind__exact": "math", "source__exact": "numbersapi"}).content.decode()
    assert "old math fact about 42" in page and "trivia fact" not in page
    page = admin_client.get(CHANGELIST, {"source__exact": "computed"}).content.decode()
    assert "fact about" not in page


def test_a_fact_page_loads_and_facts_are_not_added_by_hand(admin_client, facts):
    assert admin_client.get(f"{CHANGELIST}{facts[0].pk}/change/").status_code == 200
    assert admin_client.get(f"{CHANGELIST}add/").status_code == 403


def test_the_refetch_action_asks_the_api_in_batches_and_stores_the_answers(admin_client, facts, numbers_api):
    response = admin_client.post(CHANGELIST, {"action": "refetch", "_selected_action": [f.pk for f in facts[:3]]},
                                 follow=True)
    assert "Refetched 3 facts from the Numbers API." in response.content.decode()
    assert sorted(numbers_api.requests) == ["/42/math?json", "/42/trivia?json", "/7/date?json"]
    assert NumberFact.objects.get(number=7, kind="date").text == FakeNumbersApi.text(7, "date")
    assert NumberFact.objects.get(number=7, kind="date").found is True
    assert NumberFact.objects.get(number=420).text == "old trivia fact about 420"


def test_the_refetch_action_says_so_when_the_api_is_down(admin_client, facts):
    response = admin_client.post(CHANGELIST, {"action": "refetch", "_selected_action": [facts[0].pk]}, follow=True)
    assert "The Numbers API did not answer:" in response.content.decode()
    assert NumberFact.objects.get(pk=facts[0].pk).text == "old trivia fact about 42"
