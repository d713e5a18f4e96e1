"""Which label counts: the newest staff label, else the visitor's; every label is kept."""
import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError

from digitsite.domain import Invalid
from recognizer.services import MAX_DIGITS
from submissions.models import MAX_LABEL_DIGITS, Label, Submission
from submissions.services import (current_label, label_history, submission_accept_prediction, submission_exclude,
                                  submission_feedback, submission_relabel)

from .factories import labeller, make_submission, make_user

pytestmark = pytest.mark.django_db


def annotated(submission) -> Submission:
    return Submission.objects.with_labels().get(pk=submission.pk)


def test_a_drawing_without_labels_has_no_current_label():
    submission = make_submission("42")
    assert current_label(submission) is None
    row = annotated(submission)
    assert (row.current_value, row.current_excluded, row.correct, row.reviewed) == (None, False, None, False)


def test_the_visitors_label_counts_until_staff_label_it():
    submission = make_submission("42")
    visitor_label = submission_feedback(submission=submission, visitor="visitor-a", label="47")
    assert current_label(submission) == visitor_label
    row = annotated(submission)
    assert (row.current_value, row.correct, row.reviewed, row.has_feedback) == ("47", False, False, True)


def test_a_staff_label_overrides_the_visitors_even_when_the_visitor_spoke_later():
    submission = make_submission("42")
    staff_label = submission_relabel(submission=submission, label="42", by=labeller())
    submission_feedback(submission=submission, visitor="visitor-a", label="47")
    assert current_label(submission) == staff_label
    row = annotated(submission)
    assert (row.current_value, row.visitor_value, row.correct, row.reviewed) == ("42", "47", True, True)


def test_the_newest_staff_label_counts_and_every_label_is_kept():
    submission, staff, other = make_submission("42"), labeller(), labeller("other")
    submission_feedback(submission=submission, visitor="visitor-a", correct=True)
    submission_relabel(submission=submission, label="47", by=staff)
    submission_exclude(submission=submission, by=other)
    newest = submission_relabel(submission=submission, label="41", by=staff)
    assert current_label(submission) == newest
    history = [(label.source, label.by and label.by.username, label.value, label.excluded)
               for label in label_history(submission)]
    assert history == [("staff", "labeller", "41", False), ("staff", "other", "", True),
                       ("staff", "labeller", "47", False), ("visitor", None, "42", False)]
    assert annotated(submission).current_value == "41"


def test_excluding_keeps_the_drawing_but_takes_it_out_of_the_reckoning():
    submission = make_submission("42")
    submission_feedback(submission=submission, visitor="visitor-a", correct=True)
    label = submission_exclude(submission=submission, by=labeller())
    assert (label.value, label.excluded) == ("", True)
    row = annotated(submission)
    assert (row.current_excluded, row.correct, row.reviewed) == (True, None, True)


def test_accepting_the_prediction_labels_it_as_read():
    submission = make_submission("907")
    label = submission_accept_prediction(submission=submission, by=labeller())
    assert (label.value, label.source) == ("907", "staff")
    assert annotated(submission).correct is True


def test_a_flag_for_staff_clears_once_staff_have_labelled():
    submission = make_submission("42")
    submission_feedback(submission=submission, visitor="visitor-a", label="4")
    assert annotated(submission).flagged is True
    submission_relabel(submission=submission, label="4", by=labeller())
    assert annotated(submission).flagged is False


@pytest.mark.parametrize("user", [
    lambda: make_user("visitor"),
    lambda: make_user("viewer", staff=True, perms=("view_submission",)),
    lambda: make_user("not-staff", perms=("change_submission",)),
])
def test_only_staff_with_the_change_permission_can_label(user):
    submission, user = make_submission("42"), user()
    for label in (lambda: submission_relabel(submission=submission, label="1", by=user),
                  lambda: submission_exclude(submission=submission, by=user),
                  lambda: submission_accept_prediction(submission=submission, by=user)):
        with pytest.raises(PermissionDenied):
            label()
    assert not Label.objects.exists()


def test_a_staff_label_must_be_digits():
    with pytest.raises(Invalid) as caught:
        submission_relabel(submission=make_submission("42"), label="4 2", by=labeller())
    assert caught.value.code == "invalid_label"
    assert not Label.objects.exists()


def test_the_database_keeps_one_visitor_label_per_drawing():
    submission = make_submission("42")
    Label.objects.create(submission=submission, value="42", source="visitor")
    with pytest.raises(IntegrityError):
        Label.objects.create(submission=submission, value="47", source="visitor")


def test_a_label_may_be_as_long_as_the_longest_number_the_recognizer_reads():
    assert MAX_LABEL_DIGITS == MAX_DIGITS
