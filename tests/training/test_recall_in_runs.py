"""RETRAIN_RECALL_WEIGHT: a candidate remembers the run's labelled training drawings (never the holdout) beside its
weights, and the gate measures it with them."""
import numpy as np
import pytest

from recognizer import weights_store
from recognizer.nn.train import to_float
from tests.training.retraining import install_shipped, labelled_drawings
from training.data import training_set
from training.models import TrainingRun
from training.recall import recall_for, recall_layer
from training.runs import execute_run, retrain_request

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tiny_training")]


def run_once() -> TrainingRun:
    run = retrain_request(arch="mlp", trigger=TrainingRun.Trigger.COMMAND, foreground=True)
    return execute_run(run_id=run.pk)


def test_a_candidate_remembers_the_training_drawings_and_not_the_holdout(settings):
    settings.RETRAIN_RECALL_WEIGHT = 10.0
    install_shipped(settings.WEIGHTS_DIR, trained=True)
    labelled_drawings(20)
    data = training_set()

    run = run_once()
    candidate, _ = weights_store.load_network(run.candidate)

    recall = candidate.recall
    assert run.candidate.metrics["config"]["recall"] == recall.config()
    assert recall.config() == {"layer": 0, "threshold": 0.8, "weight": 10.0, "size": len(data.y_drawings)}
    assert len(data.y_holdout) > 0
    trained = to_float(data.x_drawings).reshape(len(data.y_drawings), -1)
    similarity = (trained / np.linalg.norm(trained, axis=1, keepdims=True)) @ recall.keys.T
    assert np.allclose(similarity.max(1), 1, atol=1e-5)                   # each one is remembered
    assert (recall.labels[similarity.argmax(1)] == data.y_drawings).all()  # with its label
    holdout = to_float(data.x_holdout)
    assert (recall.nearest_by_class(holdout.reshape(len(holdout), -1)).max(1) < 0.99).all()


def test_a_remembered_drawing_reads_as_its_label_even_where_the_weights_disagree(settings):
    settings.RETRAIN_RECALL_WEIGHT = 1000.0
    settings.RETRAIN_LR = 1e-9                      # the weights hardly move: what changes the reading is the recall
    install_shipped(settings.WEIGHTS_DIR, trained=True)
    labelled_drawings(20)
    data = training_set()

    candidate, _ = weights_store.load_network(run_once().candidate)

    assert (candidate.predict_proba(to_float(data.x_drawings)).argmax(1) == data.y_drawings).all()


def test_with_the_weight_at_zero_a_candidate_has_no_recall(settings):
    settings.RETRAIN_RECALL_WEIGHT = 0.0
    install_shipped(settings.WEIGHTS_DIR, trained=True)
    labelled_drawings(10)

    candidate, _ = weights_store.load_network(run_once().candidate)

    assert candidate.recall is None
    assert "recall" not in candidate.architecture()


def test_only_the_latest_drawings_are_remembered_when_there_are_more_than_the_limit(settings):
    settings.RETRAIN_RECALL_WEIGHT, settings.RETRAIN_RECALL_MAX = 10.0, 5
    net = install_shipped(settings.WEIGHTS_DIR, trained=True)
    labelled_drawings(20)
    data = training_set()

    recall = recall_for(net, data)

    latest = net.predict_hidden(to_float(data.x_drawings[-5:]), layer=recall_layer(net))
    assert recall.config()["size"] == 5
    assert np.allclose(recall.nearest_by_class(latest).max(1), 1, atol=1e-5)


def test_the_remembered_layer_is_what_the_first_or_the_last_dense_layer_sees(settings):
    net = install_shipped(settings.WEIGHTS_DIR)

    settings.RETRAIN_RECALL_LAYER = "first-dense"
    assert recall_layer(net) == 0
    settings.RETRAIN_RECALL_LAYER = "last-dense"
    assert recall_layer(net) == len(net.layers) - 1
    settings.RETRAIN_RECALL_LAYER = "hidden"
    with pytest.raises(ValueError, match="use first-dense or last-dense"):
        recall_layer(net)


def test_a_limit_of_zero_remembers_nothing(settings):
    settings.RETRAIN_RECALL_WEIGHT, settings.RETRAIN_RECALL_MAX = 10.0, 0
    net = install_shipped(settings.WEIGHTS_DIR, trained=True)
    labelled_drawings(10)

    assert recall_for(net, training_set()) is None
