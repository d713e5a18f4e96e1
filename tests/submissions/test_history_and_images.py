"""GET /history/ shows visitors their own drawings; GET /submissions/<id>/image serves one to its owner or staff."""
from datetime import datetime, timedelta, timezone

import pytest
from django.test import Client

from submissions.services import submission_feedback

from .factories import as_visitor, make_submission, make_user, tiny_png

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 30, 12, tzinfo=timezone.utc)


def test_history_shows_only_the_visitors_own_drawings_newest_first():
    older = make_submission("12", created_at=NOW - timedelta(hours=2))
    newer = make_submission("345", created_at=NOW - timedelta(hours=1))
    make_submission("999", visitor="visitor-b")
    response = as_visitor(Client(), "visitor-a").get("/history/")
    assert response.status_code == 200
    assert [d.pk for d in response.context["page"].object_list] == [newer.pk, older.pk]
    page = response.content.decode()
    assert f'src="/submissions/{newer.pk}/image"' in page and f'src="/submissions/{older.pk}/image"' in page
    assert "999" not in page


def test_history_says_what_was_read_and_what_the_visitor_said():
    right, wrong, silent = make_submission("12"), make_submission("34"), make_submission("56")
    submission_feedback(submission=right, visitor="visitor-a", correct=True)
    submission_feedback(submission=wrong, visitor="visitor-a", label="39")
    page = as_visitor(Client(), "visitor-a").get("/history/").content.decode()
    assert "You said: right." in page
    assert "You said it was <strong>39</strong>." in page
    assert "You didn't say whether it was right." in page
    for number in ("12", "34", "56"):
        assert f'<span class="read">{number}</span>' in page


def test_a_new_visitor_has_no_history():
    make_submission("12")
    response = Client().get("/history/")
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == []
    assert "You haven't drawn anything yet in this session." in response.content.decode()


def test_history_extends_the_site_layout():
    assert "base.html" in [t.name for t in Client().get("/history/").templates]


def test_the_owner_gets_their_drawing_file():
    submission = make_submission("12", seed=3)
    response = as_visitor(Client(), "visitor-a").get(f"/submissions/{submission.pk}/image")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == tiny_png(3)


def test_staff_who_may_see_submissions_get_any_drawing_file():
    client = Client()
    client.force_login(make_user("viewer", staff=True, perms=("view_submission",)))
    assert client.get(f"/submissions/{make_submission('12').pk}/image").status_code == 200


@pytest.mark.parametrize("who", ["another visitor", "a user who is not staff", "staff without permissions"])
def test_nobody_else_gets_the_drawing_file(who):
    submission = make_submission("12")
    client = as_visitor(Client(), "visitor-b")
    if who == "a user who is not staff":
        client.force_login(make_user("member", perms=("view_submission",)))
    if who == "staff without permissions":
        client.force_login(make_user("clerk", staff=True))
    assert client.get(f"/submissions/{submission.pk}/image").status_code == 403


def test_an_unknown_drawing_file_is_a_404():
    assert Client().get("/submissions/999/image").status_code == 404


def test_media_files_are_not_served_wholesale(settings):
    submission = make_submission("12")
    assert Client().get(f"/{settings.MEDIA_URL}{submission.image.name}").status_code == 404
