"""/admin/submissions/submission/review/: one drawing at a time, those said to be wrong and the least confident
first; Enter saves and shows the next."""
import pytest
from django.test import Client

from submissions.models import Label, Submission

from .factories import labeller, make_submission

pytestmark = pytest.mark.django_db
REVIEW = "/admin/submissions/submission/review/"


@pytest.fixture
def client(staff):
    client = Client()
    client.force_login(staff)
    return client


@pytest.fixture
def queue():
    """Three unreviewed drawings and one already reviewed (the least confident of all)."""
    reviewed = make_submission("1", confidences=[0.1])
    Label.objects.create(submission=reviewed, value="1", source="staff", by=labeller("earlier"))
    return {"sure": make_submission("42", confidences=[0.99, 0.95]),
            "unsure": make_submission("7", confidences=[0.3]),
            "middling": make_submission("907", confidences=[0.9, 0.6, 0.8])}


def shown(response) -> int | None:
    return response.context["submission"].pk if response.context["submission"] else None


def test_it_shows_the_least_confident_unreviewed_drawing(client, queue):
    response = client.get(REVIEW)
    assert response.status_code == 200
    assert shown(response) == queue["unsure"].pk
    page = response.content.decode()
    assert f'<input type="hidden" name="submission" value="{queue["unsure"].pk}">' in page
    assert f'src="/submissions/{queue["unsure"].pk}/image"' in page
    assert 'class="network-input"' in page
    assert 'value="7"' in page  # the box starts with the reading
    assert "3 drawings not reviewed yet" in page


def test_enter_saves_the_typed_number_and_the_next_drawing_shows(client, queue, staff):
    response = client.post(REVIEW, {"submission": queue["unsure"].pk, "label": "1"})
    assert response.status_code == 302
    label = Label.objects.get(submission=queue["unsure"])
    assert (label.value, label.source, label.by, label.excluded) == ("1", "staff", staff, False)
    following = client.get(response["Location"])
    assert shown(following) == queue["middling"].pk
    assert "#%d (read 7) labelled 1." % queue["unsure"].pk in following.content.decode()
    assert "2 drawings not reviewed yet" in following.content.decode()


def test_x_excludes_the_drawing_and_so_does_the_button(client, queue):
    client.post(REVIEW, {"submission": queue["unsure"].pk, "label": "x"})
    client.post(REVIEW, {"submission": queue["middling"].pk, "label": "907", "exclude": "Exclude: not a number (x)"})
    excluded = Submission.objects.with_labels().filter(current_excluded=True)
    assert set(excluded.values_list("pk", flat=True)) == {queue["unsure"].pk, queue["middling"].pk}


def test_a_bad_label_shows_the_same_drawing_again_with_the_error(client, queue):
    response = client.post(REVIEW, {"submission": queue["unsure"].pk, "label": "7a"})
    assert response.status_code == 400
    assert shown(response) == queue["unsure"].pk
    assert "A label is the number as 1 to 8 digits, like 47, or the expression, like 12+7x3." in response.content.decode()
    assert not Label.objects.filter(submission=queue["unsure"]).exists()


def test_skipping_shows_the_next_and_skipped_ones_come_back_at_the_end(client, queue):
    after_unsure = client.get(REVIEW, {"after": queue["unsure"].pk})
    assert shown(after_unsure) == queue["middling"].pk
    client.post(REVIEW, {"submission": queue["middling"].pk, "label": "907"})
    assert shown(client.get(REVIEW, {"after": queue["middling"].pk})) == queue["sure"].pk
    assert shown(client.get(REVIEW, {"after": queue["sure"].pk})) == queue["unsure"].pk


def test_review_goes_through_the_whole_queue_to_the_end(client, queue):
    seen, response = [], client.get(REVIEW)
    while shown(response):
        current = response.context["submission"]
        seen.append(current.pk)
        response = client.get(client.post(REVIEW, {"submission": current.pk, "label": current.number})["Location"])
    assert seen == [queue["unsure"].pk, queue["middling"].pk, queue["sure"].pk]
    assert "Every drawing has been reviewed." in response.content.decode()
    assert not Submission.objects.with_labels().filter(reviewed=False).exists()


def test_posting_for_an_unknown_drawing_is_a_404(client, queue):
    assert client.post(REVIEW, {"submission": 999, "label": "1"}).status_code == 404


def test_drawings_their_visitor_said_were_wrong_come_first_then_the_least_confident(client, queue):
    said_wrong = make_submission("5", confidences=[0.97])
    Label.objects.create(submission=said_wrong, value="6", source="visitor")
    said_right = make_submission("3", confidences=[0.98])
    Label.objects.create(submission=said_right, value="3", source="visitor")
    seen, response = [], client.get(REVIEW)
    while shown(response):
        seen.append(shown(response))
        response = client.get(REVIEW, {"after": seen[-1]})
        if shown(response) == seen[0]:
            break
    assert seen == [said_wrong.pk, queue["unsure"].pk, queue["middling"].pk, queue["sure"].pk, said_right.pk]
    changelist = client.get("/admin/submissions/submission/").context["cl"].result_list
    assert [s.pk for s in changelist][:2] == [said_wrong.pk, queue["unsure"].pk]
