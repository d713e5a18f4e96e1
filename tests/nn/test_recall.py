"""A recall changes only the readings of inputs very like a remembered example, and travels in the model's file."""
import numpy as np
import pytest

from recognizer.nn.model import build, load
from recognizer.nn.recall import Recall


@pytest.fixture
def model():
    return build("cnn", c1=4, c2=8, hidden=16, seed=1)


@pytest.fixture
def images():
    return np.random.default_rng(0).random((12, 28, 28), dtype=np.float32)


def hidden_layer(model) -> int:
    return len(model.layers) - 1


def remembering(model, images, labels, *, threshold=0.9, weight=20.0) -> Recall:
    layer = hidden_layer(model)
    return Recall.of(model.predict_hidden(images, layer=layer), labels, layer=layer, threshold=threshold,
                     weight=weight)


def test_an_input_identical_to_a_remembered_one_gains_the_full_weight_on_its_class(model, images):
    without = model.predict_logits(images[:1])
    model.remember(remembering(model, images[:1], np.array([7]), weight=20.0))

    gained = model.predict_logits(images[:1]) - without

    assert gained[0, 7] == pytest.approx(20.0, rel=1e-4)
    assert np.allclose(np.delete(gained[0], 7), 0)


def test_an_input_below_the_threshold_reads_as_it_did_without_recall(model, images):
    other = 1.0 - images[:1]                        # bright where the other is dark
    similarity = Recall.of(model.predict_hidden(images[:1]), np.array([3]), layer=hidden_layer(model),
                           threshold=0.5, weight=1.0).nearest_by_class(model.predict_hidden(other))[0, 3]
    without = model.predict_logits(other)
    model.remember(remembering(model, images[:1], np.array([3]), threshold=similarity + 1e-3))

    assert np.array_equal(model.predict_logits(other), without)


def test_the_bonus_for_a_class_comes_from_its_nearest_remembered_example(model, images):
    recall = remembering(model, images[:4], np.array([2, 2, 5, 5]), threshold=0.0, weight=1.0)
    features = model.predict_hidden(images[4:6])
    unit = features / np.linalg.norm(features, axis=1, keepdims=True)
    keys = model.predict_hidden(images[:4])
    keys = keys / np.linalg.norm(keys, axis=1, keepdims=True)

    nearest = recall.nearest_by_class(features)

    assert np.allclose(nearest[:, 2], (unit @ keys[:2].T).max(1), atol=1e-6)
    assert np.allclose(nearest[:, 5], (unit @ keys[2:].T).max(1), atol=1e-6)
    assert np.all(nearest[:, [0, 1, 3, 4, 6, 7, 8, 9]] == -1)


def test_a_model_with_recall_reads_the_same_after_saving_and_loading(model, images, tmp_path):
    model.remember(remembering(model, images[:6], np.arange(6), threshold=0.5))
    model.save(tmp_path / "m.npz")

    loaded, _ = load(tmp_path / "m.npz")

    assert loaded.architecture()["recall"] == {"layer": hidden_layer(model), "threshold": 0.5, "weight": 20.0,
                                               "size": 6}
    assert np.array_equal(loaded.predict_logits(images), model.predict_logits(images))


def test_a_file_whose_remembered_labels_are_not_in_order_is_refused(model, images, tmp_path):
    model.remember(remembering(model, images[:3], np.array([1, 4, 6])))
    model.recall.labels = np.array([6, 4, 1])
    model.save(tmp_path / "m.npz")

    with pytest.raises(ValueError, match="labels must be classes 0-9 in order"):
        load(tmp_path / "m.npz")


def test_a_recall_on_a_layer_the_model_does_not_have_is_refused(model, images):
    recall = remembering(model, images[:1], np.array([0]))
    recall.layer = len(model.layers)

    with pytest.raises(ValueError, match="recall layer"):
        model.remember(recall)


def test_training_does_not_use_the_recall(model, images):
    model.train(False)                              # dropout off, so two forward passes can be compared
    before = model.forward(images)
    model.remember(remembering(model, images, np.zeros(12, int), threshold=0.0))

    assert np.array_equal(model.forward(images), before)
    assert not np.array_equal(model.predict_logits(images), before)


@pytest.mark.parametrize("threshold", [1.0, 1.5, -1.5])
def test_a_threshold_that_is_not_a_cosine_below_one_is_refused(threshold):
    with pytest.raises(ValueError, match="recall threshold"):
        Recall.of(np.ones((1, 4)), np.array([0]), layer=1, threshold=threshold, weight=1.0)
