"""Gradient checks in float64: every layer's backward() and the loss against centred differences."""
import numpy as np
import pytest

from recognizer.nn.layers import Conv2D, Dense, Dropout, Flatten, MaxPool2D, ReLU, Sigmoid
from recognizer.nn.losses import DistillationLoss, SoftmaxCrossEntropy
from recognizer.nn.model import cnn_spec, from_architecture

from .numerical import numerical_gradient, relative_error

TOLERANCE = 1e-6


def away_from_zero(rng, shape):
    """Values at least 0.1 from 0, so no centred difference straddles ReLU's kink."""
    return rng.choice([-1.0, 1.0], shape) * rng.uniform(0.1, 1.0, shape)


def distinct_values(rng, shape):
    """A shuffled grid 0.01 apart, so every pooling window has one clear maximum."""
    return (rng.permutation(int(np.prod(shape))) * 0.01 - 0.5).reshape(shape)


def fixed_mask_dropout(rng):
    """Dropout in training mode whose mask is the same on every forward pass."""
    layer = Dropout(0.5)
    forward = layer.forward

    def forward_with_fixed_mask(x):
        layer.rng = np.random.default_rng(7)
        return forward(x)

    layer.forward = forward_with_fixed_mask
    return layer


LAYERS = {
    "Dense": (lambda rng: Dense(5, 3, rng=rng, dtype=np.float64), (4, 5), "normal"),
    "Conv2D without padding": (lambda rng: Conv2D(2, 3, kernel=3, rng=rng, dtype=np.float64), (2, 5, 5, 2), "normal"),
    "Conv2D with padding": (lambda rng: Conv2D(2, 3, kernel=3, padding=1, rng=rng, dtype=np.float64),
                            (2, 4, 5, 2), "normal"),
    "Conv2D with one input channel (patches as columns)": (
        lambda rng: Conv2D(1, 3, kernel=3, padding=1, rng=rng, dtype=np.float64), (2, 4, 5, 1), "normal"),
    "Conv2D with one input channel on the plain path": (
        lambda rng: Conv2D(1, 3, kernel=3, padding=1, rng=rng, dtype=np.float64, fast=False), (2, 4, 5, 1), "normal"),
    "MaxPool2D": (lambda rng: MaxPool2D(2), (2, 4, 6, 3), "distinct"),
    "MaxPool2D with rows and columns past the last window": (lambda rng: MaxPool2D(2), (2, 5, 7, 3), "distinct"),
    "ReLU": (lambda rng: ReLU(), (3, 7), "away from zero"),
    "Sigmoid": (lambda rng: Sigmoid(), (3, 7), "normal"),
    "Flatten": (lambda rng: Flatten(), (2, 3, 3, 2), "normal"),
    "Dropout in training mode": (fixed_mask_dropout, (4, 6), "normal"),
}
INPUTS = {"normal": lambda rng, shape: rng.standard_normal(shape),
          "away from zero": away_from_zero, "distinct": distinct_values}


@pytest.mark.parametrize("name", LAYERS)
def test_every_layer_has_input_and_parameter_gradients_equal_to_centred_differences(name):
    make_layer, shape, kind = LAYERS[name]
    rng = np.random.default_rng(1)
    layer = make_layer(rng)
    layer.training = True
    x = INPUTS[kind](rng, shape)
    upstream = rng.standard_normal(layer.forward(x).shape)

    def loss():
        return float((layer.forward(x) * upstream).sum())

    layer.forward(x)
    dx = layer.backward(upstream)
    analytic = {"x": dx, **{k: g.copy() for k, g in layer.grads.items()}}
    numeric = {"x": numerical_gradient(loss, x), **{k: numerical_gradient(loss, p) for k, p in layer.params.items()}}

    assert set(analytic) == set(numeric) == {"x", *layer.params}
    for key in numeric:
        assert analytic[key].dtype == np.float64, key
        assert relative_error(analytic[key], numeric[key]) < TOLERANCE, key


def test_dropout_really_drops_in_training_mode_and_is_the_identity_at_inference():
    layer = Dropout(0.5, rng=np.random.default_rng(0))
    x = np.ones((50, 40))
    y = layer.forward(x)
    assert 0.4 < (y == 0).mean() < 0.6
    assert set(np.unique(y)) == {0.0, 2.0}
    layer.training = False
    assert layer.forward(x) is x
    assert layer.backward(x) is x


def test_max_pooling_sends_a_tied_window_its_gradient_once_to_the_first_maximum():
    layer = MaxPool2D(2)
    x = np.ones((1, 2, 2, 1))
    layer.forward(x)
    dx = layer.backward(np.full((1, 1, 1, 1), 3.0))
    assert dx[0, :, :, 0].tolist() == [[3.0, 0.0], [0.0, 0.0]]


def test_max_pooling_drops_rows_and_columns_past_the_last_whole_window():
    layer = MaxPool2D(2)
    x = np.arange(15.0).reshape(1, 3, 5, 1)
    y = layer.forward(x)
    dx = layer.backward(np.ones_like(y))
    assert y.shape[1:] == layer.output_shape(x.shape[1:]) == (1, 2, 1)
    assert y[0, :, :, 0].tolist() == [[6.0, 8.0]]
    assert dx[0, :, :, 0].tolist() == [[0, 0, 0, 0, 0], [0, 1, 0, 1, 0], [0, 0, 0, 0, 0]]


@pytest.mark.parametrize("make_layer", [
    lambda rng: Dense(5, 3, rng=rng, dtype=np.float64),
    lambda rng: Conv2D(1, 3, kernel=3, padding=1, rng=rng, dtype=np.float64),
    lambda rng: Conv2D(1, 3, kernel=3, padding=1, rng=rng, dtype=np.float64, fast=False),
    lambda rng: ReLU(),
], ids=["Dense", "Conv2D with one input channel", "Conv2D on the plain path", "ReLU"])
def test_backward_params_fills_the_same_gradients_as_backward(make_layer):
    rng = np.random.default_rng(4)
    layer = make_layer(rng)
    x = rng.standard_normal((2, 5) if isinstance(layer, (Dense, ReLU)) else (2, 4, 4, 1))
    dy = rng.standard_normal(layer.forward(x).shape)
    layer.backward(dy)
    full = {k: g.copy() for k, g in layer.grads.items()}
    layer.grads.clear()

    assert layer.backward_params(dy) is None
    assert full.keys() == layer.grads.keys()
    assert all(np.array_equal(full[k], layer.grads[k]) for k in full)


def test_a_model_asked_for_no_input_gradient_fills_the_same_parameter_gradients():
    model = from_architecture(cnn_spec(c1=2, c2=3, hidden=8), seed=0, dtype=np.float64)
    model.train(False)
    x = np.random.default_rng(0).random((2, 28, 28))
    dy = np.random.default_rng(1).standard_normal((2, 10))
    model.forward(x)
    assert model.backward(dy).shape == (2, 28, 28, 1)
    full = [p.grad.copy() for p in model.parameters()]

    assert model.backward(dy, input_grad=False) is None
    assert all(np.array_equal(a, p.grad) for a, p in zip(full, model.parameters()))


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted per example"])
def test_softmax_cross_entropy_gradient_equals_centred_differences(weighted):
    rng = np.random.default_rng(2)
    logits = rng.standard_normal((6, 10)) * 3
    labels = rng.integers(0, 10, 6)
    weights = rng.uniform(0.2, 3.0, 6) if weighted else None
    loss_fn = SoftmaxCrossEntropy()

    loss_fn.forward(logits, labels, weights)
    analytic = loss_fn.backward()
    numeric = numerical_gradient(lambda: loss_fn.forward(logits, labels, weights), logits)

    assert relative_error(analytic, numeric) < TOLERANCE


@pytest.mark.parametrize("weight, temperature", [(0.5, 1.0), (0.8, 2.0), (1.0, 4.0)])
def test_distillation_loss_gradient_equals_centred_differences(weight, temperature):
    rng = np.random.default_rng(4)
    logits, teacher = rng.standard_normal((6, 10)) * 3, rng.standard_normal((6, 10)) * 3
    labels = rng.integers(0, 10, 6)
    loss_fn = DistillationLoss(weight, temperature)

    loss_fn.forward(logits, labels, teacher)
    analytic = loss_fn.backward()
    numeric = numerical_gradient(lambda: loss_fn.forward(logits, labels, teacher), logits)

    assert relative_error(analytic, numeric) < TOLERANCE


def test_distillation_with_no_weight_on_the_teacher_is_plain_cross_entropy():
    rng = np.random.default_rng(5)
    logits, teacher, labels = rng.standard_normal((4, 10)), rng.standard_normal((4, 10)), np.array([1, 2, 3, 4])
    loss_fn, plain = DistillationLoss(0.0, 2.0), SoftmaxCrossEntropy()

    assert loss_fn.forward(logits, labels, teacher) == pytest.approx(plain.forward(logits, labels))
    np.testing.assert_allclose(loss_fn.backward(), plain.backward())


def test_weighted_cross_entropy_is_the_weighted_mean_of_per_example_losses():
    logits = np.log(np.array([[0.5, 0.25, 0.25], [0.1, 0.8, 0.1]]))
    loss = SoftmaxCrossEntropy().forward(logits, np.array([0, 1]), np.array([1.0, 3.0]))
    assert loss == pytest.approx((-np.log(0.5) - 3 * np.log(0.8)) / 4)


def test_a_whole_small_network_backpropagates_gradients_equal_to_centred_differences():
    spec = {"arch": "tiny", "input_shape": [6, 6, 1], "layers": [
        {"type": "Conv2D", "c_in": 1, "c_out": 2, "kernel": 3, "padding": 1},
        {"type": "MaxPool2D", "size": 2}, {"type": "ReLU"},
        {"type": "Conv2D", "c_in": 2, "c_out": 3, "kernel": 3, "padding": 0},
        {"type": "Flatten"}, {"type": "Dense", "n_in": 3, "n_out": 4}, {"type": "Sigmoid"},
        {"type": "Dense", "n_in": 4, "n_out": 10}]}
    model = from_architecture(spec, seed=3, dtype=np.float64)
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 6, 6))
    labels = np.array([3, 7])
    loss_fn = SoftmaxCrossEntropy()

    def loss():
        return loss_fn.forward(model.forward(x), labels)

    loss()
    dx = model.backward(loss_fn.backward()).reshape(x.shape)
    analytic = [dx] + [p.grad.copy() for p in model.parameters()]
    numeric = [numerical_gradient(loss, x)] + [numerical_gradient(loss, p.value) for p in model.parameters()]

    assert len(analytic) == 1 + 2 * 4
    for a, n in zip(analytic, numeric):
        assert relative_error(a, n) < TOLERANCE
