"""export_labelled writes the labelled 28x28 inputs; import_labels records staff labels from a CSV, all or none."""
import numpy as np
import pytest
from django.core.management import CommandError, call_command

from submissions.models import Label, Submission
from submissions.services import submission_exclude, submission_feedback, submission_relabel
from submissions.training_data import labelled_digits

from .factories import make_submission, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def drawings(staff):
    """By number read: staff-labelled, visitor-labelled, excluded, another digit count, unlabelled."""
    found = {n: make_submission(n, seed=i) for i, n in enumerate(["42", "7", "3", "55", "906"])}
    submission_feedback(submission=found["42"], visitor="visitor-a", label="41")
    submission_relabel(submission=found["42"], label="47", by=staff)
    submission_feedback(submission=found["7"], visitor="visitor-a", label="1")
    submission_feedback(submission=found["3"], visitor="visitor-a", correct=True)
    submission_exclude(submission=found["3"], by=staff)
    submission_relabel(submission=found["55"], label="555", by=staff)
    return found


def test_labelled_digits_pair_each_digit_with_its_current_label(drawings):
    inputs, labels, ids = labelled_digits(include_visitor_labels=True)
    first, seven = drawings["42"], drawings["7"]
    assert inputs.dtype == np.uint8 and inputs.shape == (3, 28, 28)
    assert labels.dtype == np.uint8 and labels.tolist() == [4, 7, 1]
    assert ids.tolist() == [first.pk, first.pk, seven.pk]
    assert np.array_equal(inputs, np.concatenate([first.input_bytes(), seven.input_bytes()]))


def test_a_labelled_expression_gives_its_digits_to_the_digit_data_and_its_operators_to_the_export(staff, tmp_path):
    drawing = make_submission("947", seed=9)
    Submission.objects.filter(pk=drawing.pk).update(number="9-7")       # read as an expression of three symbols
    submission_relabel(submission=drawing, label="9 x 4", by=staff)
    inputs, labels, ids = labelled_digits(include_visitor_labels=False)
    assert labels.tolist() == [9, 4] and ids.tolist() == [drawing.pk] * 2
    assert np.array_equal(inputs, drawing.input_bytes()[[0, 2]])
    out = tmp_path / "labelled.npz"
    call_command("export_labelled", "--out", str(out), "--staff-only")
    with np.load(out, allow_pickle=False) as f:
        assert f["operator_labels"].tolist() == ["×"] and f["operator_submission_ids"].tolist() == [drawing.pk]
        assert np.array_equal(f["operator_inputs"], drawing.input_bytes()[[1]])


def test_labelled_digits_can_leave_visitor_labels_out(drawings):
    inputs, labels, ids = labelled_digits(include_visitor_labels=False)
    assert labels.tolist() == [4, 7] and ids.tolist() == [drawings["42"].pk] * 2 and inputs.shape == (2, 28, 28)


def test_labelled_digits_of_nothing_are_empty_arrays_of_the_right_shape():
    inputs, labels, ids = labelled_digits(include_visitor_labels=True)
    assert (inputs.shape, labels.shape, ids.shape) == ((0, 28, 28), (0,), (0,))
    assert (inputs.dtype, labels.dtype, ids.dtype) == (np.uint8, np.uint8, np.int64)


def test_the_export_round_trips_through_the_npz(drawings, tmp_path, capsys):
    out = tmp_path / "export" / "labelled.npz"
    call_command("export_labelled", "--out", str(out))
    assert "wrote 3 digit(s) and 0 operator(s) from 2 drawing(s)" in capsys.readouterr().out
    with np.load(out, allow_pickle=False) as f:
        exported = {key: f[key] for key in f.files}
    assert set(exported) == {"inputs", "labels", "submission_ids", "operator_inputs", "operator_labels",
                             "operator_submission_ids"}
    for key, expected in zip(["inputs", "labels", "submission_ids"], labelled_digits(include_visitor_labels=True)):
        assert exported[key].dtype == expected.dtype and np.array_equal(exported[key], expected)
    stored = [Submission.objects.get(pk=pk).input_bytes() for pk in dict.fromkeys(exported["submission_ids"])]
    assert np.array_equal(exported["inputs"], np.concatenate(stored))
    assert list(out.parent.iterdir()) == [out]  # no partial file left behind


def test_the_export_can_be_staff_only(drawings, tmp_path):
    out = tmp_path / "staff.npz"
    call_command("export_labelled", "--out", str(out), "--staff-only")
    with np.load(out, allow_pickle=False) as f:
        assert f["labels"].tolist() == [4, 7]


def write_csv(tmp_path, text: str):
    path = tmp_path / "labels.csv"
    path.write_text(text)
    return str(path)


def test_import_records_staff_labels_from_every_row(tmp_path, staff, capsys):
    a, b, c = make_submission("42"), make_submission("7"), make_submission("1")
    path = write_csv(tmp_path, f"submission_id,label\n{a.pk},47\n\n{b.pk}, 1 \n{c.pk},x\n")
    call_command("import_labels", path, "--by", "labeller")
    assert "imported 3 staff label(s) by labeller" in capsys.readouterr().out
    labels = {(label.submission_id, label.value, label.excluded, label.source, label.by)
              for label in Label.objects.all()}
    assert labels == {(a.pk, "47", False, "staff", staff), (b.pk, "1", False, "staff", staff),
                      (c.pk, "", True, "staff", staff)}


def test_import_is_all_or_nothing_and_reports_each_bad_line(tmp_path, staff):
    a = make_submission("42")
    path = write_csv(tmp_path, f"submission_id,label\n{a.pk},47\n999,3\n{a.pk},4a7\nabc,1\n{a.pk}\n{a.pk},123456789\n")
    with pytest.raises(CommandError) as caught:
        call_command("import_labels", path, "--by", "labeller")
    assert str(caught.value).splitlines() == [
        "nothing imported:",
        "line 3: unknown submission id 999",
        "line 4: bad label '4a7': A label is the number as 1 to 8 digits, like 47, or the expression, like 12+7x3. "
        'Type "x" to exclude the drawing from training.',
        "line 5: bad submission id 'abc'",
        "line 6: expected 2 columns (submission_id,label), got 1",
        "line 7: bad label '123456789': A label is the number as 1 to 8 digits, like 47, or the expression, like 12+7x3. "
        'Type "x" to exclude the drawing from training.',
    ]
    assert not Label.objects.exists()


@pytest.mark.parametrize("username,message", [
    ("nobody", "no user 'nobody'"),
    ("viewer", "viewer is not active staff with the change permission on submissions"),
])
def test_import_needs_a_staff_member_who_may_label(tmp_path, username, message):
    make_user("viewer", staff=True, perms=("view_submission",))
    path = write_csv(tmp_path, f"{make_submission('4').pk},4\n")
    with pytest.raises(CommandError, match=message):
        call_command("import_labels", path, "--by", username)
    assert not Label.objects.exists()


def test_import_reports_a_missing_file(tmp_path, staff):
    with pytest.raises(CommandError, match="cannot read"):
        call_command("import_labels", str(tmp_path / "missing.csv"), "--by", "labeller")
