"""Retraining teaches the calculator's operator reader from relabelled expressions, gated and served as a digit
reader is (training/operator_run.py). The expressions are drawn, read by the shipped networks and stored as the
API stores them; the shipped operator reader and its replayed pieces (weights/operator_inputs.npz) are the start."""
import pytest

from recognizer import operators, serving
from recognizer.models import OPERATORS_ARCH, ModelVersion
from recognizer.services import recognize
from submissions.models import Submission
from submissions.services import submission_create, submission_relabel
from submissions.training_data import labelled_pieces, operator_class
from support.drawings import data_url, expression_drawing
from tests.submissions.factories import labeller
from tests.training.retraining import install_shipped
from training.models import TrainingRun
from training.runs import execute_run, retrain_request

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tiny_training")]


@pytest.fixture(autouse=True)
def short_operator_runs(settings):
    settings.RETRAIN_MIN_STEPS, settings.RETRAIN_OPERATOR_MAX_STEPS = 40, 60
SUMS = ["3+4", "12+7", "8+5+6", "40+21", "9+2", "6+13"]


def stored(symbols: str, *, seed: int, label: str, by):
    raw = expression_drawing(symbols, seed=seed, encoding=("png_transparent", "jpeg_white")[seed % 2])
    recognition = recognize(raw, arch="cnn")
    assert recognition.read == symbols, "the support drawing should be read as drawn"
    submission = submission_create(raw=raw, image_format=recognition.image_format, recognition=recognition,
                                   visitor="visitor-a")
    submission_relabel(submission=submission, label=label, by=by)
    return submission


def sums(count: int, *, relabel=lambda s: s):
    by = labeller()
    return [stored(s, seed=n, label=relabel(s), by=by) for n, s in enumerate((SUMS * count)[:count])]


def run_once() -> TrainingRun:
    run = retrain_request(arch="mlp", trigger=TrainingRun.Trigger.COMMAND, foreground=True)
    return execute_run(run_id=run.pk)


def test_every_symbol_of_a_stored_reading_keeps_where_it_sat_on_the_line(api_client):
    response = api_client.post("/api/recognize/", {"image": data_url(expression_drawing("12-7"))}, format="json")
    entries = Submission.objects.get(pk=response.json()["submission_id"]).digits
    assert [len(e["geometry"]) for e in entries] == [operators.GEOMETRY] * 4
    height, _, offset, _ = entries[2]["geometry"]            # the minus: short, at mid-height
    assert height < 0.3 and abs(offset) < 0.2
    assert entries[0]["geometry"][0] > 0.8                   # the 1: as tall as the line


def test_a_labelled_operator_takes_the_class_of_how_it_was_drawn():
    dot = [0.0] * 10 + [0.0, 0.0, 0.2, 0.8, 0.0, 0.0, 0.0]   # the reading found a raised dot likelier than a cross
    assert operators.CLASSES[operator_class("×", dot)] == "·"
    assert operators.CLASSES[operator_class("×", None)] == "×"
    assert operators.CLASSES[operator_class("÷", [0.0] * 15 + [1.0, 0.0])] == "/"
    assert operator_class("7", dot) == operators.DIGIT


def test_labelled_expressions_give_every_symbol_with_its_class_and_geometry():
    drawings = sums(2)
    pieces = labelled_pieces(include_visitor_labels=False)
    assert len(pieces["y"]) == len("3+4") + len("12+7")
    assert [operators.CLASSES[k] for k in pieces["y"]] == ["digit", "+", "digit", "digit", "digit", "+", "digit"]
    assert list(pieces["ids"]) == [drawings[0].pk] * 3 + [drawings[1].pk] * 4
    assert pieces["x"].shape == (7, 28, 28) and pieces["geometry"].shape == (7, operators.GEOMETRY)


def test_a_run_teaches_the_operator_reader_from_labelled_expressions_and_serves_it(settings):
    install_shipped(settings.WEIGHTS_DIR, trained=True)
    sums(12)
    pieces = labelled_pieces(include_visitor_labels=False)
    trained = (pieces["y"] != operators.DIGIT) & (pieces["ids"] % settings.RETRAIN_HOLDOUT_EVERY != 0)
    run = run_once()
    learnt = run.metrics_after["operators"]
    assert learnt["operators_trained"] == trained.sum() > 0
    assert learnt["base_version"] == "operators-1" and learnt["replayed_from"] > 1000
    assert "operators: promoted operators-2: operator test pieces " in run.reason, run.reason
    reader = ModelVersion.objects.get(version="operators-2")
    assert reader.arch == OPERATORS_ARCH and reader.in_database and reader.is_active
    assert operators.served().version == "operators-2"
    assert recognize(expression_drawing("12+7×3", seed=9)).read == "12+7×3"
    assert OPERATORS_ARCH not in serving.available_archs()


def test_operators_relabelled_as_another_operator_are_rejected_and_the_reader_stays(settings):
    install_shipped(settings.WEIGHTS_DIR, trained=True)
    sums(24, relabel=lambda s: s.replace("+", "÷"))         # every + said to be a ÷
    run = run_once()
    assert "operators: kept operators-1, rejected operators-2: rejected by the operator test rule: " in run.reason
    assert ModelVersion.objects.get(version="operators-2").rejected
    assert operators.served().version == "operators-1"


def test_a_run_without_labelled_operators_leaves_the_operator_reader_alone(settings):
    install_shipped(settings.WEIGHTS_DIR, trained=True)
    run = run_once()
    assert "operators" not in run.metrics_after and "operators:" not in run.reason
    assert not ModelVersion.objects.filter(arch=OPERATORS_ARCH).exclude(version="operators-1").exists()
