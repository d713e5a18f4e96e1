"""Only staff with the change permission on submissions can label: anonymous, non-staff and viewers cannot."""
import pytest
from django.test import Client

from submissions.models import Label

from .factories import labeller, make_submission, make_user

pytestmark = pytest.mark.django_db

REVIEW, STATS, CHANGELIST = "/admin/submissions/submission/review/", "/admin/submissions/submission/stats/", "/admin/submissions/submission/"


def client_for(who: str) -> Client:
    client = Client()
    users = {
        "anonymous": None,
        "non-staff": lambda: make_user("member", perms=("view_submission", "change_submission")),
        "staff without change permission": lambda: make_user("viewer", staff=True, perms=("view_submission",)),
        "staff with change permission": labeller,
    }
    if users[who]:
        client.force_login(users[who]())
    return client


CANNOT_LABEL = ["anonymous", "non-staff", "staff without change permission"]


def attempts(client, submission) -> list:
    """Every way to label a drawing in the admin, each with a well-formed request."""
    return [
        client.post(REVIEW, {"submission": submission.pk, "label": "47"}),
        client.post(REVIEW, {"submission": submission.pk, "label": "", "exclude": "Exclude"}),
        client.post(f"{CHANGELIST}{submission.pk}/relabel/", {"label": "47"}),
        client.post(CHANGELIST, {"action": "accept_prediction", "_selected_action": [submission.pk]}),
        client.post(CHANGELIST, {"action": "exclude_from_training", "_selected_action": [submission.pk]}),
    ]


@pytest.mark.parametrize("who", CANNOT_LABEL)
def test_they_cannot_label_in_any_way(who):
    submission = make_submission("42")
    responses = attempts(client_for(who), submission)
    assert not Label.objects.exists()
    if who != "staff without change permission":
        assert all(r.status_code == 302 and r["Location"].startswith("/admin/login/") for r in responses)
    else:
        assert [r.status_code for r in responses[:3]] == [403, 403, 403]


@pytest.mark.parametrize("who", CANNOT_LABEL)
def test_they_do_not_get_the_review_page(who):
    make_submission("42")
    response = client_for(who).get(REVIEW)
    if who == "staff without change permission":
        assert response.status_code == 403
    else:
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_staff_with_the_change_permission_can_label_in_every_way():
    submission = make_submission("42")
    responses = attempts(client_for("staff with change permission"), submission)
    assert all(r.status_code == 302 for r in responses), [r.status_code for r in responses]
    assert [(label.value, label.excluded, label.by.username) for label in Label.objects.order_by("id")] == [
        ("47", False, "labeller"), ("", True, "labeller"), ("47", False, "labeller"),
        ("42", False, "labeller"), ("", True, "labeller")]


@pytest.mark.parametrize("who,status", [("anonymous", 302), ("non-staff", 302),
                                        ("staff without change permission", 200),
                                        ("staff with change permission", 200)])
def test_stats_are_for_staff_who_may_see_submissions(who, status):
    assert client_for(who).get(STATS).status_code == status


def test_staff_without_any_submissions_permission_do_not_see_stats():
    client = Client()
    client.force_login(make_user("clerk", staff=True))
    assert client.get(STATS).status_code == 403


def test_staff_without_change_permission_see_no_relabel_form_nor_label_actions():
    submission = make_submission("42")
    client = client_for("staff without change permission")
    page = client.get(f"{CHANGELIST}{submission.pk}/change/").content.decode()
    assert "relabel/" not in page
    listing = client.get(CHANGELIST).content.decode()
    assert "accept_prediction" not in listing and "exclude_from_training" not in listing
    assert "Review one by one" not in listing


def test_staff_with_change_permission_see_the_relabel_form_and_the_label_actions():
    submission = make_submission("42")
    client = client_for("staff with change permission")
    page = client.get(f"{CHANGELIST}{submission.pk}/change/").content.decode()
    assert f"{CHANGELIST}{submission.pk}/relabel/" in page
    listing = client.get(CHANGELIST).content.decode()
    assert "accept_prediction" in listing and "exclude_from_training" in listing
    assert "Review one by one" in listing
