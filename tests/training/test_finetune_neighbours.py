"""RETRAIN_NEIGHBOUR_SHARE: part of the replayed MNIST digits are those of other classes that the active network
sees as nearest to the labelled drawings, the answers that learning the drawings is most likely to move."""
import numpy as np

from recognizer.nn.layers import Dense, ReLU
from recognizer.nn.model import Sequential
from tests.training.retraining import replay_with_wrong_labels
from training.finetune import replayed_mnist
from training.neighbours import hidden_features, interfered_digits


def two_pixel_network() -> Sequential:
    """A network whose hidden layer is the ink of pixels (0, 0) and (0, 1): its features can be read off."""
    hidden, out = Dense(784, 2), Dense(2, 10)
    hidden.params["W"][...] = 0
    hidden.params["W"][0, 0] = hidden.params["W"][1, 1] = 1
    return Sequential([hidden, ReLU(), out], arch="mlp", input_shape=(784,))


def images(*pixel_pairs) -> np.ndarray:
    x = np.zeros((len(pixel_pairs), 28, 28), np.uint8)
    for i, (a, b) in enumerate(pixel_pairs):
        x[i, 0, :2] = a, b
    return x


def test_hidden_features_are_what_the_last_layer_sees_scaled_to_length_one():
    features = hidden_features(two_pixel_network(), images((255, 0), (30, 40)))

    np.testing.assert_allclose(features, [[1, 0], [0.6, 0.8]], atol=1e-6)


def test_the_interfered_digits_are_the_nearest_of_other_classes_to_each_drawing():
    # directions in the hidden layer: the drawing (a 1) points along (1, 0)
    mnist = images((250, 10), (250, 20), (250, 100), (10, 250), (200, 30), (250, 0))
    labels = np.array([1, 7, 7, 7, 4, 2], np.uint8)

    near = interfered_digits(two_pixel_network(), images((255, 0)), np.array([1], np.uint8), mnist, labels, k=2)

    # the (250, 10) digit is nearer than any, but it is a 1 too: learning this 1 does not move its answer
    assert near.tolist() == [1, 5]


def test_each_drawing_brings_its_own_neighbours_and_each_digit_is_listed_once():
    mnist = images((250, 10), (10, 250), (200, 30), (30, 200))
    labels = np.array([7, 7, 4, 4], np.uint8)
    drawings = images((255, 0), (0, 255), (255, 1))

    near = interfered_digits(two_pixel_network(), drawings, np.array([1, 1, 1], np.uint8), mnist, labels, k=1,
                             chunk=2)

    assert near.tolist() == [0, 1]


def test_no_drawings_or_no_neighbours_wanted_replay_nothing_extra():
    net, mnist, labels = two_pixel_network(), images((250, 10)), np.array([7], np.uint8)

    assert interfered_digits(net, images(), np.zeros(0, np.uint8), mnist, labels, k=4).size == 0
    assert interfered_digits(net, images((255, 0)), np.array([1], np.uint8), mnist, labels, k=0).size == 0


def test_the_share_of_replayed_digits_drawn_from_the_neighbours_is_the_one_asked_for():
    data = replay_with_wrong_labels()
    near = np.array([3, 5, 8])
    rng = np.random.default_rng(0)

    batch = replayed_mnist(data, near, 0.5, 96, rng)

    assert len(batch) == 96
    assert np.isin(batch[:48], near).all()
    assert np.isin(batch[48:], near).mean() < 0.05
    assert np.isin(replayed_mnist(data, np.zeros(0, np.int64), 0.5, 96, rng), near).mean() < 0.05
