"""Conv2D (im2col) against a naive nested-loop convolution, forward and backward."""
import numpy as np
import pytest

from recognizer.nn.layers import Conv2D


def naive_conv_forward(x, W, b, padding):
    """y[n, i, j, o] = b[o] + sum over (a, c, ci) of xpad[n, i + a, j + c, ci] * W[a, c, ci, o]."""
    xpad = np.pad(x, ((0, 0), (padding, padding), (padding, padding), (0, 0)))
    k, _, _, c_out = W.shape
    n, h, w, _ = xpad.shape
    y = np.zeros((n, h - k + 1, w - k + 1, c_out))
    for s in range(n):
        for i in range(h - k + 1):
            for j in range(w - k + 1):
                for o in range(c_out):
                    y[s, i, j, o] = (xpad[s, i:i + k, j:j + k, :] * W[:, :, :, o]).sum() + b[o]
    return y


def naive_conv_backward(x, W, dy, padding):
    """(dx, dW, db) by sending each output's gradient back along every product that made it."""
    xpad = np.pad(x, ((0, 0), (padding, padding), (padding, padding), (0, 0)))
    k = W.shape[0]
    dxpad, dW, db = np.zeros_like(xpad), np.zeros_like(W), np.zeros(W.shape[3])
    n, ho, wo, c_out = dy.shape
    for s in range(n):
        for i in range(ho):
            for j in range(wo):
                for o in range(c_out):
                    g = dy[s, i, j, o]
                    dxpad[s, i:i + k, j:j + k, :] += g * W[:, :, :, o]
                    dW[:, :, :, o] += g * xpad[s, i:i + k, j:j + k, :]
                    db[o] += g
    h, w = x.shape[1:3]
    return dxpad[:, padding:padding + h, padding:padding + w, :], dW, db


@pytest.mark.parametrize("kernel, padding", [(3, 0), (3, 1), (5, 2), (2, 0)])
def test_conv2d_matches_a_naive_loop_forward_and_backward(kernel, padding):
    rng = np.random.default_rng(kernel * 10 + padding)
    layer = Conv2D(3, 4, kernel=kernel, padding=padding, rng=rng, dtype=np.float64)
    layer.params["b"] = rng.standard_normal(4)
    x = rng.standard_normal((2, 7, 6, 3))

    y = layer.forward(x)
    expected = naive_conv_forward(x, layer.params["W"], layer.params["b"], padding)
    assert y.shape == expected.shape == (2, 7 + 2 * padding - kernel + 1, 6 + 2 * padding - kernel + 1, 4)
    np.testing.assert_allclose(y, expected, rtol=1e-12, atol=1e-12)

    dy = rng.standard_normal(y.shape)
    dx = layer.backward(dy)
    expected_dx, expected_dW, expected_db = naive_conv_backward(x, layer.params["W"], dy, padding)
    assert dx.shape == x.shape
    np.testing.assert_allclose(dx, expected_dx, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(layer.grads["W"], expected_dW, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(layer.grads["b"], expected_db, rtol=1e-12, atol=1e-12)


def test_conv2d_in_float32_stays_float32_and_agrees_with_the_float64_oracle():
    rng = np.random.default_rng(5)
    layer = Conv2D(2, 3, kernel=5, padding=2, rng=rng)
    x = rng.random((2, 8, 8, 2), dtype=np.float32)
    y = layer.forward(x)
    dx = layer.backward(np.ones_like(y))

    assert y.dtype == dx.dtype == layer.grads["W"].dtype == layer.grads["b"].dtype == np.float32
    W64 = layer.params["W"].astype(np.float64)
    np.testing.assert_allclose(y, naive_conv_forward(x.astype(np.float64), W64, np.zeros(3), 2), atol=1e-5)
    expected_dx, expected_dW, _ = naive_conv_backward(x.astype(np.float64), W64, np.ones(y.shape), 2)
    np.testing.assert_allclose(dx, expected_dx, atol=1e-5)
    np.testing.assert_allclose(layer.grads["W"], expected_dW, rtol=1e-5, atol=1e-4)
