"""Whatever fails under /api/, the answer is JSON in the one error shape with a 4xx; pages get a plain page."""
import pytest

from support.drawings import data_url, drawing
from tests.submissions.factories import make_submission

pytestmark = pytest.mark.django_db


def error_of(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    return body["error"]


@pytest.mark.parametrize("url", ["/api/recognize/", "/api/submissions/{id}/feedback/"])
def test_json_nested_a_thousand_deep_is_a_400_not_a_crash(api_client, url):
    url = url.format(id=make_submission("3").pk)
    body = "[" * 1000 + "]" * 1000
    response = api_client.post(url, body, content_type="application/json")
    assert error_of(response, 400) == {"code": "invalid_request", "message": "The request body is nested too deeply."}


def test_an_unknown_api_url_is_a_json_404(api_client):
    assert error_of(api_client.get("/api/nothing-here/"), 404) == {"code": "not_found", "message": "Not found."}


def test_an_id_the_url_does_not_accept_is_a_json_404(api_client):
    assert error_of(api_client.post("/api/submissions/abc/feedback/", {}), 404)["code"] == "not_found"


def test_a_form_with_more_than_a_thousand_fields_is_a_json_400(api_client):
    body = "&".join(f"f{i}=1" for i in range(1001))
    response = api_client.post("/api/recognize/", body, content_type="application/x-www-form-urlencoded")
    assert error_of(response, 400)["code"] == "invalid_request"


def test_asking_for_html_gets_json_not_the_browsable_api(api_client):
    response = api_client.get("/api/models/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    error = api_client.post("/api/recognize/", {"image": "no!"}, format="json", HTTP_ACCEPT="text/html")
    assert error_of(error, 400)["code"] == "not_base64"


def test_the_schema_answers_a_client_that_asks_for_html_in_its_own_format(api_client):
    response = api_client.get("/api/schema/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert b"/api/recognize/" in response.content


def test_a_page_that_does_not_exist_is_a_plain_404_page(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/plain")
    assert b"Traceback" not in response.content


def test_feedback_sent_as_a_form_works_like_json(api_client):
    api_client.post("/api/recognize/", {"image": data_url(drawing("7"))}, format="json")
    submission_id = api_client.post("/api/recognize/", {"image": data_url(drawing("7"))},
                                    format="json").json()["submission_id"]
    response = api_client.post(f"/api/submissions/{submission_id}/feedback/", "label=8",
                               content_type="application/x-www-form-urlencoded")
    assert response.status_code == 201, response.content
    assert response.json()["label"] == "8"


def test_reading_the_history_page_creates_no_session(client):
    make_submission("5", visitor="someone")
    from django.contrib.sessions.models import Session
    response = client.get("/history/")
    assert response.status_code == 200
    assert "sessionid" not in response.cookies
    assert Session.objects.count() == 0
