"""Conv2D (im2col, and patches as columns for one input channel) against a naive nested-loop convolution."""
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


PATHS = {"im2col rows": (3, True), "one channel, patches as columns": (1, True),
         "one channel, im2col rows": (1, False)}


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("kernel, padding", [(3, 0), (3, 1), (5, 2), (2, 0)])
def test_conv2d_matches_a_naive_loop_forward_and_backward(kernel, padding, path):
    c_in, fast = PATHS[path]
    rng = np.random.default_rng(kernel * 10 + padding)
    layer = Conv2D(c_in, 4, kernel=kernel, padding=padding, rng=rng, dtype=np.float64, fast=fast)
    layer.params["b"] = rng.standard_normal(4)
    x = rng.standard_normal((2, 7, 6, c_in))

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


@pytest.mark.parametrize("c_in", [2, 1], ids=["im2col rows", "one channel, patches as columns"])
def test_conv2d_in_float32_stays_float32_and_agrees_with_the_float64_oracle(c_in):
    rng = np.random.default_rng(5)
    layer = Conv2D(c_in, 3, kernel=5, padding=2, rng=rng)
    layer.params["b"] = rng.standard_normal(3).astype(np.float32)
    x = rng.random((2, 8, 8, c_in), dtype=np.float32)
    y = layer.forward(x)
    dx = layer.backward(np.ones_like(y))

    assert y.dtype == dx.dtype == layer.grads["W"].dtype == layer.grads["b"].dtype == np.float32
    W64, b64 = layer.params["W"].astype(np.float64), layer.params["b"].astype(np.float64)
    np.testing.assert_allclose(y, naive_conv_forward(x.astype(np.float64), W64, b64, 2), atol=1e-5)
    expected_dx, expected_dW, expected_db = naive_conv_backward(x.astype(np.float64), W64, np.ones(y.shape), 2)
    np.testing.assert_allclose(dx, expected_dx, atol=1e-5)
    np.testing.assert_allclose(layer.grads["W"], expected_dW, rtol=1e-5, atol=1e-4)
    np.testing.assert_allclose(layer.grads["b"], expected_db, rtol=1e-5)


def test_the_first_layer_fast_path_gives_the_plain_paths_outputs_and_gradients_in_float32():
    fast, plain = (Conv2D(1, 32, kernel=5, padding=2, rng=np.random.default_rng(0), fast=f) for f in (True, False))
    rng = np.random.default_rng(1)
    fast.params["b"] = plain.params["b"] = rng.standard_normal(32).astype(np.float32)
    x = rng.random((16, 28, 28, 1), dtype=np.float32)
    dy = rng.standard_normal((16, 28, 28, 32)).astype(np.float32)

    np.testing.assert_allclose(fast.forward(x), plain.forward(x), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(fast.backward(dy), plain.backward(dy), rtol=1e-5, atol=1e-5)
    for name in ("W", "b"):
        assert fast.grads[name].shape == plain.grads[name].shape
        np.testing.assert_allclose(fast.grads[name], plain.grads[name], rtol=1e-4, atol=1e-3)


@pytest.mark.parametrize("c_in", [3, 1], ids=["im2col rows", "one channel, patches as columns"])
def test_a_training_conv_layer_reusing_its_patch_buffer_matches_a_fresh_layer_batch_after_batch(c_in):
    """The patch buffer is kept between training batches: a smaller last batch, or an inference call in between,
    must not leave anything stale behind."""
    kept = Conv2D(c_in, 4, kernel=3, padding=1, rng=np.random.default_rng(2))
    rng = np.random.default_rng(3)
    for batch, training in [(5, True), (5, True), (2, True), (3, False), (5, True)]:
        x = rng.random((batch, 6, 6, c_in), dtype=np.float32)
        fresh = Conv2D(c_in, 4, kernel=3, padding=1, rng=np.random.default_rng(2))
        kept.training = fresh.training = training
        y, expected = kept.forward(x), fresh.forward(x)
        dy = rng.standard_normal(y.shape).astype(np.float32)

        assert np.array_equal(y, expected)
        assert np.array_equal(kept.backward(dy), fresh.backward(dy))
        assert all(np.array_equal(kept.grads[k], fresh.grads[k]) for k in ("W", "b"))


def test_a_conv_layer_at_inference_keeps_no_patch_buffer_a_second_thread_could_overwrite():
    layer = Conv2D(3, 4, kernel=3, rng=np.random.default_rng(0))
    layer.training = False
    first = layer.forward(np.ones((2, 5, 5, 3), np.float32))
    layer.forward(np.zeros((2, 5, 5, 3), np.float32))
    assert layer.buffers == {}
    assert (first != layer.params["b"]).all()
