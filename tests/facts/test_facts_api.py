"""GET /api/facts/<number>/?type=...: a fact in the recognition answer's shape, or a 400 in the one error shape."""
import pytest

from facts import computed
from facts.models import NumberFact

pytestmark = pytest.mark.django_db

NUMBER_MESSAGE = "The number must be a whole number from 0 to 1000000000000000000."
TYPE_MESSAGE = "The type must be one of trivia, math, date, year."


def test_it_answers_a_fact_of_the_type_asked(api_client, numbers_api):
    response = api_client.get("/api/facts/42/?type=math")
    assert response.status_code == 200
    assert response.json() == {"number": 42, "type": "math", "text": "42 is the number of our math test fact.",
                               "found": True, "source": "numbersapi"}
    assert numbers_api.requests == ["/42/math?json"]


def test_the_type_is_trivia_unless_asked(api_client, numbers_api):
    assert api_client.get("/api/facts/7/").json()["type"] == "trivia"
    assert numbers_api.requests == ["/7/trivia?json"]


def test_it_answers_a_computed_fact_when_the_api_is_down(api_client):
    response = api_client.get("/api/facts/60/?type=date")
    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "math" and body["source"] == "computed" and body["found"] is True
    assert body["text"] in computed.statements(60)


def test_it_answers_for_10_18_and_a_number_with_leading_zeros(api_client):
    assert api_client.get("/api/facts/1000000000000000000/").json()["number"] == 10**18
    assert api_client.get("/api/facts/007/").json()["number"] == 7


@pytest.mark.parametrize("number", ["1000000000000000001", "99999999999999999999", "-5", "4.2", "1e3", "abc",
                                    "%D9%A3", "+5", "%205"])
def test_it_refuses_a_number_that_is_not_a_whole_number_from_0_to_10_18(api_client, number):
    response = api_client.get(f"/api/facts/{number}/")
    assert response.status_code == 400
    assert response.json() == {"error": {"code": "invalid_number", "message": NUMBER_MESSAGE}}
    assert not NumberFact.objects.exists()


@pytest.mark.parametrize("query", ["?type=gossip", "?type=", "?type=MATH"])
def test_it_refuses_an_unknown_type(api_client, query):
    response = api_client.get(f"/api/facts/42/{query}")
    assert response.status_code == 400
    assert response.json() == {"error": {"code": "invalid_fact_type", "message": TYPE_MESSAGE}}


def test_the_schema_documents_the_endpoint(api_client):
    response = api_client.get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/facts/{number}/" in response.content
