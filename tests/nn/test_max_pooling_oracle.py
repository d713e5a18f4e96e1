"""MaxPool2D (one small code per window for backward) against a naive loop over the windows."""
import numpy as np
import pytest

from recognizer.nn.layers import MaxPool2D


def naive_pool(x, dy, size):
    """(y, dx) window by window: the maximum, and the whole gradient to its first position in row-major order."""
    n, h, w, c = x.shape
    y = np.zeros((n, h // size, w // size, c), x.dtype)
    dx = np.zeros_like(x)
    for s in range(n):
        for i in range(h // size):
            for j in range(w // size):
                for ch in range(c):
                    window = x[s, i * size:(i + 1) * size, j * size:(j + 1) * size, ch]
                    a, b = np.unravel_index(np.argmax(window), window.shape)     # argmax takes the first maximum
                    y[s, i, j, ch] = window[a, b]
                    dx[s, i * size + a, j * size + b, ch] = dy[s, i, j, ch]
    return y, dx


@pytest.mark.parametrize("size, shape", [(2, (3, 8, 6, 4)), (2, (2, 7, 5, 3)), (3, (2, 9, 10, 2))],
                         ids=["whole windows", "rows and columns past the last window", "3x3 windows"])
def test_max_pooling_matches_a_naive_loop_on_a_batch_full_of_ties(size, shape):
    rng = np.random.default_rng(size)
    x = rng.integers(0, 3, shape).astype(np.float32)        # three values: most windows hold a tie
    layer = MaxPool2D(size)
    y = layer.forward(x)
    dy = rng.standard_normal(y.shape).astype(np.float32)
    expected_y, expected_dx = naive_pool(x, dy, size)

    dx = layer.backward(dy)

    assert y.dtype == dx.dtype == np.float32
    assert np.array_equal(y, expected_y)
    assert np.array_equal(dx, expected_dx)
