"""CSRF: a request carrying the visitor's cookie or a session cookie must carry the CSRF token too, logged in or not."""
import pytest
from rest_framework.test import APIClient

from support.drawings import data_url, drawing

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser():
    """A client that checks CSRF as a real browser session would be checked."""
    return APIClient(enforce_csrf_checks=True)


def draw_seven(client) -> int:
    response = client.post("/api/recognize/", {"image": data_url(drawing("7"))}, format="json")
    assert response.status_code == 201, response.content
    return response.json()["submission_id"]


def test_an_api_client_without_a_session_cookie_needs_no_token(browser):
    draw_seven(browser)


def test_a_cross_site_post_with_the_anonymous_visitors_cookie_but_no_token_is_refused(browser):
    submission_id = draw_seven(browser)       # the visitor now has their cookie
    assert "visitor" in browser.cookies and "sessionid" not in browser.cookies
    response = browser.post(f"/api/submissions/{submission_id}/feedback/", "correct=true",
                            content_type="application/x-www-form-urlencoded", HTTP_ORIGIN="https://evil.example")
    assert response.status_code == 403
    assert response.json() == {"error": {"code": "csrf_failed",
                                         "message": "The CSRF check failed: reload the page and try again."}}
    assert browser.post("/api/recognize/", {"image": data_url(drawing("1"))}, format="json").status_code == 403


def test_the_page_token_lets_the_visitor_post(browser):
    browser.get("/")                           # the page sets the csrftoken cookie
    submission_id = draw_seven(browser)
    token = browser.cookies["csrftoken"].value
    response = browser.post(f"/api/submissions/{submission_id}/feedback/", {"correct": True}, format="json",
                            HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 201, response.content
