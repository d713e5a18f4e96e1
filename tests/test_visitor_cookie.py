"""The visitor's id is a signed cookie: no session row, no database read to know who drew, and a forged or
tampered cookie is nobody."""
import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext

from submissions.models import Submission
from support.drawings import data_url, drawing
from tests.submissions.factories import as_visitor, make_submission

pytestmark = pytest.mark.django_db


def draw(client, number: str = "7"):
    return client.post("/api/recognize/", {"image": data_url(drawing(number))}, format="json")


def test_the_first_stored_drawing_sets_a_signed_http_only_cookie_and_no_session(api_client):
    response = draw(api_client)
    cookie = response.cookies["visitor"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["max-age"] == 365 * 24 * 3600
    visitor = Submission.objects.get().visitor
    assert cookie.value.startswith(visitor + ":")          # the id, then its signature
    assert Session.objects.count() == 0 and "sessionid" not in response.cookies
    second = draw(api_client, "1")
    assert "visitor" not in second.cookies                  # already known: nothing to set again
    assert Submission.objects.filter(visitor=visitor).count() == 2


def test_knowing_the_visitor_costs_no_query(api_client):
    as_visitor(api_client, "visitor-a")
    mine = make_submission("42", visitor="visitor-a")
    with CaptureQueriesContext(connection) as queries:
        assert api_client.get(f"/submissions/{mine.pk}/image").status_code == 200
    assert not [q for q in queries.captured_queries if "django_session" in q["sql"]]


def test_a_tampered_cookie_is_nobody(api_client):
    mine = make_submission("42", visitor="visitor-a")
    api_client.cookies["visitor"] = "visitor-a:forged-signature"
    assert api_client.get(f"/submissions/{mine.pk}/image").status_code == 403
    response = draw(api_client)
    assert Submission.objects.get(pk=response.json()["submission_id"]).visitor != "visitor-a"
    assert response.cookies["visitor"].value != "visitor-a:forged-signature"
