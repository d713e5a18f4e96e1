"""The submissions admin: what the list, its filters and order, and a drawing's page show to staff."""
import pytest
from django.db.models import ProtectedError
from django.test import Client

from submissions.models import Label
from submissions.services import submission_exclude, submission_feedback, submission_relabel

from .factories import make_submission

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/submissions/submission/"


@pytest.fixture
def client(staff):
    client = Client()
    client.force_login(staff)
    return client


def listed(response) -> list[int]:
    return [row.pk for row in response.context["cl"].result_list]


def test_the_list_puts_unreviewed_first_and_the_least_confident_first(client, staff):
    reviewed_unsure = make_submission("1", confidences=[0.2])
    submission_relabel(submission=reviewed_unsure, label="1", by=staff)
    sure, unsure = make_submission("2", confidences=[0.99]), make_submission("3", confidences=[0.4])
    assert listed(client.get(CHANGELIST)) == [unsure.pk, sure.pk, reviewed_unsure.pk]


def test_the_list_shows_thumbnail_reading_confidence_labels_and_correctness(client, staff):
    submission = make_submission("42", confidences=[0.97, 0.64], model_version="cnn-20261130")
    submission_feedback(submission=submission, visitor="visitor-a", label="47")
    submission_relabel(submission=submission, label="47", by=staff)
    page = client.get(CHANGELIST).content.decode()
    assert f'src="/submissions/{submission.pk}/image"' in page
    for text in ('class="field-number"', ">64%<", 'class="field-visitor_label">47<', 'class="field-staff_label">47<',
                 "cnn-20261130", 'alt="False"'):
        assert text in page, text


def test_a_flagged_visitor_label_is_marked_in_the_list(client):
    submission_feedback(submission=make_submission("42"), visitor="visitor-a", label="4")
    assert 'class="field-visitor_label">4 ⚑<' in client.get(CHANGELIST).content.decode()


@pytest.fixture
def assorted(staff):
    """Drawings in every state, named by the number read."""
    make_submission("907", confidences=[0.9, 0.7, 0.8], model_version="old")
    make_submission("88", confidences=[0.3, 0.9])
    submission_exclude(submission=make_submission("5", confidences=[0.99]), by=staff)
    corrected = make_submission("47", confidences=[0.99, 0.98])
    submission_feedback(submission=corrected, visitor="visitor-a", label="41")
    submission_relabel(submission=corrected, label="41", by=staff)
    submission_feedback(submission=make_submission("13", confidences=[0.99, 0.99]), visitor="visitor-a", label="137")
    submission_feedback(submission=make_submission("60", confidences=[0.97, 0.96]), visitor="visitor-a", correct=True)


@pytest.mark.parametrize("query,expected", [
    ({"read_digit": "9"}, {"907"}),
    ({"label": "excluded"}, {"5"}),
    ({"label": "none"}, {"907", "88"}),
    ({"label": "1"}, {"47", "13"}),
    ({"label": "7"}, {"13"}),
    ({"reviewed": "yes"}, {"5", "47"}),
    ({"reviewed": "no"}, {"907", "88", "13", "60"}),
    ({"correct": "yes"}, {"60"}),
    ({"correct": "no"}, {"47", "13"}),
    ({"correct": "unknown"}, {"907", "88", "5"}),
    ({"confidence": "lt50"}, {"88"}),
    ({"confidence": "50-80"}, {"907"}),
    ({"confidence": "95+"}, {"5", "47", "13", "60"}),
    ({"model_version": "old"}, {"907"}),
    ({"has_feedback": "yes"}, {"47", "13", "60"}),
    ({"has_feedback": "no"}, {"907", "88", "5"}),
    ({"flagged": "yes"}, {"13"}),
])
def test_the_filters_find_the_right_drawings(client, assorted, query, expected):
    response = client.get(CHANGELIST, query)
    assert response.status_code == 200
    assert {row.number for row in response.context["cl"].result_list} == expected


def test_a_drawings_page_shows_the_drawing_its_inputs_probabilities_and_label_history(client, staff):
    submission = make_submission("42", confidences=[0.91, 0.55])
    submission_feedback(submission=submission, visitor="visitor-a", label="47")
    submission_relabel(submission=submission, label="42", by=staff)
    page = client.get(f"{CHANGELIST}{submission.pk}/change/").content.decode()
    assert f'src="/submissions/{submission.pk}/image"' in page
    assert page.count('src="data:image/png;base64,') == 2 and page.count('class="network-input"') == 2
    assert "<strong>digit 1: 4</strong> (91.0%)" in page and "<strong>digit 2: 2</strong> (55.0%)" in page
    assert '<rect class="probability-fill chosen" width="55.0" height="10"/>' in page
    assert "42 (staff)" in page
    assert "<td>staff</td><td>labeller</td><td>42</td>" in page
    assert "<td>visitor</td><td>the visitor</td><td>47</td>" in page
    assert 'name="_save"' not in page  # nothing on the drawing itself is editable


def test_the_relabel_form_saves_a_staff_label_and_returns_to_the_drawing(client, staff):
    submission = make_submission("42")
    response = client.post(f"{CHANGELIST}{submission.pk}/relabel/", {"label": "43"})
    assert response.status_code == 302 and response["Location"] == f"{CHANGELIST}{submission.pk}/change/"
    assert Label.objects.get().value == "43"
    page = client.get(response["Location"]).content.decode()
    assert "labelled 43." in page and "43 (staff)" in page


def test_the_relabel_form_refuses_a_bad_label(client):
    submission = make_submission("42")
    response = client.post(f"{CHANGELIST}{submission.pk}/relabel/", {"label": "forty"}, follow=True)
    assert "A label is the number as 1 to 8 digits, like 47, or the expression, like 12+7x3." in response.content.decode()
    assert not Label.objects.exists()


def test_the_bulk_actions_label_every_selected_drawing(client, staff):
    a, b, c = make_submission("1"), make_submission("23"), make_submission("4")
    client.post(CHANGELIST, {"action": "accept_prediction", "_selected_action": [a.pk, b.pk]})
    client.post(CHANGELIST, {"action": "exclude_from_training", "_selected_action": [c.pk]})
    labels = {(label.submission_id, label.value, label.excluded) for label in Label.objects.all()}
    assert labels == {(a.pk, "1", False), (b.pk, "23", False), (c.pk, "", True)}


def test_drawings_cannot_be_added_by_hand(client):
    assert client.get(f"{CHANGELIST}add/").status_code == 403


def test_a_staff_member_who_labelled_cannot_be_deleted_from_the_audit_trail(staff):
    submission_relabel(submission=make_submission("4"), label="4", by=staff)
    with pytest.raises(ProtectedError):
        staff.delete()


def test_a_drawn_sums_page_shows_each_symbol_with_its_probabilities_and_takes_a_typed_sum(client, api_client):
    from support.drawings import data_url, expression_drawing
    body = api_client.post("/api/recognize/", {"image": data_url(expression_drawing("9-4"))}, format="json").json()
    submission_id = body["submission_id"]
    page = client.get(f"{CHANGELIST}{submission_id}/change/").content.decode()
    assert "<strong>symbol 2: -</strong>" in page and "<strong>symbol 3: 4</strong>" in page
    assert page.count('class="probability-digit">×<') == 3          # every symbol has a bar for each class
    response = client.post(f"{CHANGELIST}{submission_id}/relabel/", {"label": "9 - 4"})
    assert response.status_code == 302 and Label.objects.get().value == "9-4"
