"""/admin/submissions/submission/stats/: accuracy against staff labels, the confusion matrix, and figures per day."""
from datetime import datetime, timezone

import pytest
from django.test import Client

from submissions.models import Label
from submissions.services import submission_exclude, submission_feedback, submission_relabel
from submissions.stats import compute_stats

from .factories import make_submission

pytestmark = pytest.mark.django_db
DAY1, DAY2 = datetime(2026, 11, 28, 10, tzinfo=timezone.utc), datetime(2026, 11, 29, 15, tzinfo=timezone.utc)


@pytest.fixture
def known_set(staff):
    """Version v1: 12 right, 17 read as 11 (wrong), 3 excluded. Version v2: 7 right, 40 labelled 400 (other count).
    Unlabelled: 5 (a visitor said 6, but visitors do not count for accuracy)."""
    rows = [("12", "v1", "12", DAY1), ("17", "v1", "11", DAY1), ("3", "v1", "x", DAY1),
            ("7", "v2", "7", DAY2), ("40", "v2", "400", DAY2)]
    for number, version, label, day in rows:
        submission = make_submission(number, model_version=version, created_at=day)
        if label == "x":
            submission_exclude(submission=submission, by=staff)
        else:
            submission_relabel(submission=submission, label=label, by=staff)
    unlabelled = make_submission("5", model_version="v2", created_at=DAY2)
    submission_feedback(submission=unlabelled, visitor="visitor-a", label="6")
    Label.objects.filter(submission__model_version="v1").update(created_at=DAY1)
    Label.objects.filter(submission__model_version="v2").update(created_at=DAY2)


def test_accuracy_per_model_version_counts_whole_numbers_against_staff_labels(known_set):
    stats = compute_stats()
    assert [(t.name, t.total, t.right) for t in stats.by_version] == [("v1", 2, 1), ("v2", 2, 1)]
    assert [t.percent for t in stats.by_version] == ["50.0%", "50.0%"]
    assert (stats.reviewed, stats.excluded, stats.unreviewed, stats.count_mismatches) == (5, 1, 1, 1)


def test_accuracy_per_digit_counts_the_digit_really_drawn(known_set):
    by_digit = {t.name: (t.total, t.right) for t in compute_stats().by_digit}
    # "12"→12: 1 right, 2 right. "17"→11: 1 right, true 1 read as 7. "7"→7 right. "40" vs "400": not compared.
    assert by_digit == {"0": (0, 0), "1": (3, 2), "2": (1, 1), "3": (0, 0), "4": (0, 0), "5": (0, 0),
                        "6": (0, 0), "7": (1, 1), "8": (0, 0), "9": (0, 0)}


def test_the_confusion_matrix_has_true_digits_as_rows_and_readings_as_columns(known_set):
    confusion = compute_stats().confusion
    assert confusion[1][1] == 2 and confusion[1][7] == 1 and confusion[2][2] == 1 and confusion[7][7] == 1
    assert sum(map(sum, confusion)) == 5


def test_figures_per_day_count_drawings_labels_and_corrections(known_set):
    assert compute_stats().per_day == [
        {"day": DAY2.date(), "submissions": 3, "labels": 3, "corrections": 2},
        {"day": DAY1.date(), "submissions": 3, "labels": 3, "corrections": 1},
    ]


def test_accuracy_per_operator_counts_the_operator_really_drawn(staff):
    for read, label in [("12+3", "12+3"), ("12-3", "12÷3"), ("4×5÷6", "4×5÷6"), ("7÷2", "7÷2"), ("8+1", "8+1=")]:
        submission_relabel(submission=make_submission(read), label=label, by=staff)
    by_operator = {t.name: (t.total, t.right) for t in compute_stats().by_operator}
    assert by_operator == {"+": (1, 1), "-": (0, 0), "×": (1, 1), "÷": (3, 2), "=": (0, 0)}


def test_the_stats_page_shows_the_figures_and_the_matrix(known_set, staff):
    client = Client()
    client.force_login(staff)
    page = client.get("/admin/submissions/submission/stats/").content.decode()
    assert "<td>v1</td><td>2</td><td>1</td>\n          <td>50.0%</td>" in page
    assert "<svg" in page and "true 1, read 7: 1" in page
    assert "<td>2026-11-29</td><td>3</td><td>3</td>" in page
    assert '<table id="accuracy-by-operator">' in page and "<td>÷</td><td>0</td><td>0</td>" in page


def test_the_stats_page_works_with_no_drawings(staff):
    client = Client()
    client.force_login(staff)
    response = client.get("/admin/submissions/submission/stats/")
    assert response.status_code == 200
    assert "No staff labels yet." in response.content.decode()
