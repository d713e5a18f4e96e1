"""POST /api/submissions/<id>/feedback/: the visitor who drew it says what it is, once."""
import pytest
from rest_framework.test import APIClient

from submissions.models import Label, Submission

from .factories import as_visitor, make_submission

pytestmark = pytest.mark.django_db


def url(submission_id) -> str:
    return f"/api/submissions/{submission_id}/feedback/"


def post(client, submission_id, body):
    return client.post(url(submission_id), body, format="json")


def assert_error(response, status: int, code: str, message: str | None = None):
    assert response.status_code == status, response.content
    assert response.json().keys() == {"error"}
    assert response.json()["error"]["code"] == code
    if message is not None:
        assert response.json()["error"]["message"] == message


def test_the_visitor_says_the_reading_was_right(visitor_client):
    submission = make_submission("42")
    response = post(visitor_client, submission.pk, {"correct": True})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body == {"id": body["id"], "submission_id": submission.pk, "label": "42", "source": "visitor",
                    "number": "42", "correct": True, "flagged": False, "created_at": body["created_at"]}
    label = Label.objects.get()
    assert (label.submission, label.value, label.source, label.by, label.excluded) == (submission, "42", "visitor",
                                                                                       None, False)


def test_the_visitor_says_what_they_really_drew(visitor_client):
    submission = make_submission("42")
    body = post(visitor_client, submission.pk, {"label": "47"}).json()
    assert (body["label"], body["correct"], body["flagged"]) == ("47", False, False)
    assert Submission.objects.with_labels().get().visitor_value == "47"


def test_a_label_with_another_digit_count_is_accepted_and_flagged_for_staff(visitor_client):
    submission = make_submission("42")
    response = post(visitor_client, submission.pk, {"label": "472"})
    assert response.status_code == 201
    assert response.json()["flagged"] is True
    assert Submission.objects.with_labels().get().flagged is True
    assert Label.objects.get().value == "472"


def test_a_label_of_the_same_digit_count_is_not_flagged(visitor_client):
    post(visitor_client, make_submission("42").pk, {"label": "47"})
    assert Submission.objects.with_labels().get().flagged is False


def test_another_visitor_may_not_give_feedback(api_client):
    submission = make_submission("42", visitor="visitor-a")
    response = post(as_visitor(api_client, "visitor-b"), submission.pk, {"correct": True})
    assert_error(response, 403, "not_your_submission", "Only the visitor who drew this can say what it is.")
    assert not Label.objects.exists()


def test_a_new_session_may_not_give_feedback_on_someone_elses_drawing():
    submission = make_submission("42")
    assert_error(post(APIClient(), submission.pk, {"label": "41"}), 403, "not_your_submission")
    assert not Label.objects.exists()


def test_feedback_is_given_only_once(visitor_client):
    submission = make_submission("42")
    assert post(visitor_client, submission.pk, {"label": "47"}).status_code == 201
    again = post(visitor_client, submission.pk, {"correct": True})
    assert_error(again, 409, "feedback_already_given", "You already said what this drawing is.")
    assert list(Label.objects.values_list("value", flat=True)) == ["47"]


def test_an_unknown_drawing_is_a_404_in_the_one_error_shape(visitor_client):
    assert_error(post(visitor_client, 999, {"correct": True}), 404, "submission_not_found",
                 "There is no drawing with this id.")


@pytest.mark.parametrize("body,message", [
    ({}, 'Send either {"correct": true} or {"label": "47"}.'),
    ({"label": "47", "correct": True}, 'Send either {"correct": true} or {"label": "47"}.'),
    ({"correct": False}, 'If the reading was wrong, send the number you drew: {"label": "47"}.'),
    ({"label": "4a"}, "label: A label is the number as 1 to 8 digits, like 47, or the expression, like 12+7x3."),
    ({"label": ""}, "label: A label is the number as 1 to 8 digits, like 47, or the expression, like 12+7x3."),
    ({"label": "123456789"}, "label: A label is the number as 1 to 8 digits, like 47, or the expression, like 12+7x3."),
    ({"label": "4.5"}, "label: A label is the number as 1 to 8 digits, like 47, or the expression, like 12+7x3."),
    ({"correct": "maybe"}, "correct: Must be a valid boolean."),
])
def test_it_rejects_a_bad_body(visitor_client, body, message):
    submission = make_submission("42")
    assert_error(post(visitor_client, submission.pk, body), 400, "invalid_request", message)
    assert not Label.objects.exists()


def test_spaces_around_a_label_are_dropped(visitor_client):
    response = post(visitor_client, make_submission("4").pk, {"label": " 7\n"})
    assert response.status_code == 201
    assert Label.objects.get().value == "7"


def test_it_rejects_a_body_that_is_not_json(visitor_client):
    submission = make_submission("42")
    response = visitor_client.post(url(submission.pk), "label=47", content_type="application/json")
    assert_error(response, 400, "invalid_request", "The request body is not valid JSON.")


def test_it_answers_only_post(visitor_client):
    assert_error(visitor_client.get(url(make_submission().pk)), 405, "method_not_allowed")


def test_a_visitor_who_logs_in_as_staff_still_gives_visitor_feedback_on_their_drawing(visitor_client, staff):
    submission = make_submission("42")
    visitor_client.force_login(staff)
    response = post(visitor_client, submission.pk, {"correct": True})
    assert response.status_code == 201
    assert Label.objects.get().source == "visitor"
