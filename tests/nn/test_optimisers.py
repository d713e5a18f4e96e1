"""SGD with momentum and Adam go downhill; weight decay shrinks weight matrices and leaves biases alone."""
import numpy as np
import pytest

from recognizer.nn.layers import Layer
from recognizer.nn.optim import SGD, Adam

TARGET = np.array([[1.5, -2.0], [0.5, 3.0]])
CURVATURE = np.array([[1.0, 4.0], [0.5, 2.0]])


def quadratic(params: dict) -> float:
    return float(0.5 * (CURVATURE * (params["W"] - TARGET) ** 2).sum())


def layer_with(params: dict, grads: dict) -> Layer:
    """A layer holding these arrays: its parameters() are what optimisers update."""
    layer = Layer()
    layer.params, layer.grads = params, grads
    return layer


def descend(make_optimiser, steps: int) -> tuple[list[float], dict]:
    params = {"W": np.zeros((2, 2))}
    grads: dict = {}
    optimiser = make_optimiser(layer_with(params, grads).parameters())
    losses = [quadratic(params)]
    for _ in range(steps):
        grads["W"] = CURVATURE * (params["W"] - TARGET)
        optimiser.step()
        losses.append(quadratic(params))
    return losses, params


@pytest.mark.parametrize("make_optimiser", [
    lambda p: SGD(p, lr=0.1, momentum=0.9),
    lambda p: Adam(p, lr=0.1),
], ids=["SGD with momentum", "Adam"])
def test_an_optimiser_moves_parameters_downhill_on_a_quadratic(make_optimiser):
    losses, params = descend(make_optimiser, steps=300)

    assert losses[1] < losses[0]
    assert losses[-1] < 1e-6 * losses[0]
    np.testing.assert_allclose(params["W"], TARGET, atol=1e-3)


@pytest.mark.parametrize("make_optimiser", [
    lambda p: SGD(p, lr=0.1, momentum=0.0, weight_decay=0.5),
    lambda p: Adam(p, lr=0.1, weight_decay=0.5),
], ids=["SGD", "Adam"])
def test_weight_decay_shrinks_weights_but_not_biases(make_optimiser):
    params = {"W": np.full((3, 3), 2.0), "b": np.full(3, 2.0)}
    grads = {"W": np.zeros((3, 3)), "b": np.zeros(3)}
    layer = layer_with(params, grads)
    assert [(p.name, p.decay) for p in layer.parameters()] == [("W", True), ("b", False)]
    optimiser = make_optimiser(layer.parameters())

    for _ in range(10):
        optimiser.step()

    assert (np.abs(params["W"]) < 2.0).all()
    assert np.array_equal(params["b"], np.full(3, 2.0))


def test_without_weight_decay_a_zero_gradient_leaves_weights_where_they_are():
    params = {"W": np.full((2, 2), 2.0)}
    for optimiser in (SGD(layer_with(params, {"W": np.zeros((2, 2))}).parameters()),
                      Adam(layer_with(params, {"W": np.zeros((2, 2))}).parameters())):
        optimiser.step()
    assert np.array_equal(params["W"], np.full((2, 2), 2.0))


def test_adam_keeps_float32_parameters_float32():
    params = {"W": np.ones((2, 2), np.float32)}
    Adam(layer_with(params, {"W": np.ones((2, 2), np.float32)}).parameters(), weight_decay=1e-2).step()
    assert params["W"].dtype == np.float32


def test_adam_updating_in_place_takes_the_textbook_adamw_step():
    rng = np.random.default_rng(0)
    params = {"W": rng.standard_normal((3, 4)), "b": rng.standard_normal(4)}
    grads: dict = {}
    adam = Adam(layer_with(params, grads).parameters(), lr=0.05, weight_decay=0.1)
    expected = {k: v.copy() for k, v in params.items()}
    m = {k: np.zeros_like(v) for k, v in params.items()}
    v = {k: np.zeros_like(p) for k, p in params.items()}
    arrays = dict(params)

    for t in range(1, 6):
        grads.update(W=rng.standard_normal((3, 4)), b=rng.standard_normal(4))
        adam.step()
        for k in expected:
            m[k] = 0.9 * m[k] + 0.1 * grads[k]
            v[k] = 0.999 * v[k] + 0.001 * grads[k] ** 2
            decay = 0.05 * 0.1 * expected[k] if k == "W" else 0.0
            expected[k] = expected[k] - decay - 0.05 * (m[k] / (1 - 0.9 ** t)) / (np.sqrt(v[k] / (1 - 0.999 ** t)) + 1e-8)

    for k in expected:
        np.testing.assert_allclose(params[k], expected[k], rtol=1e-12, atol=1e-12)
        assert params[k] is arrays[k]
