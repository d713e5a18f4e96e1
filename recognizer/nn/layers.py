"""Layers with forward/backward pairs; images are NHWC arrays."""
from __future__ import annotations

import numpy as np


class Layer:
    """A layer caches in forward() what backward() needs; backward() fills self.grads and returns dx."""

    def __init__(self) -> None:
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self.training = True

    def forward(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def backward(self, dy: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def config(self) -> dict:
        return {"type": type(self).__name__}

    def output_shape(self, input_shape: tuple) -> tuple:
        return input_shape


def he_normal(rng: np.random.Generator, shape: tuple, fan_in: int, dtype) -> np.ndarray:
    return (rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)).astype(dtype)


class Dense(Layer):
    def __init__(self, n_in: int, n_out: int, *, rng: np.random.Generator | None = None, dtype=np.float32):
        super().__init__()
        rng = rng or np.random.default_rng(0)
        self.n_in, self.n_out = n_in, n_out
        self.params = {"W": he_normal(rng, (n_in, n_out), n_in, dtype), "b": np.zeros(n_out, dtype)}

    def forward(self, x):
        self.x = x
        return x @ self.params["W"] + self.params["b"]

    def backward(self, dy):
        self.grads.update(W=self.x.T @ dy, b=dy.sum(axis=0))
        return dy @ self.params["W"].T

    def config(self):
        return {"type": "Dense", "n_in": self.n_in, "n_out": self.n_out}

    def output_shape(self, input_shape):
        return (self.n_out,)


def im2col(xpad: np.ndarray, kh: int, kw: int) -> np.ndarray:
    """(N, H, W, C) padded input -> (N, Ho, Wo, kh, kw, C) patches, one contiguous copy."""
    n, h, w, c = xpad.shape
    ho, wo = h - kh + 1, w - kw + 1
    cols = np.empty((n, ho, wo, kh, kw, c), dtype=xpad.dtype)
    for i in range(kh):
        for j in range(kw):
            cols[:, :, :, i, j, :] = xpad[:, i:i + ho, j:j + wo, :]
    return cols


def col2im(dcols: np.ndarray, padded_shape: tuple) -> np.ndarray:
    """The adjoint of im2col: sums each patch gradient back onto the padded input."""
    _, ho, wo, kh, kw, _ = dcols.shape
    dxpad = np.zeros(padded_shape, dtype=dcols.dtype)
    for i in range(kh):
        for j in range(kw):
            dxpad[:, i:i + ho, j:j + wo, :] += dcols[:, :, :, i, j, :]
    return dxpad


class Conv2D(Layer):
    """Stride-1 convolution (cross-correlation) of NHWC input with kh x kw x C_in x C_out filters."""

    def __init__(self, c_in: int, c_out: int, kernel: int = 5, padding: int = 0, *,
                 rng: np.random.Generator | None = None, dtype=np.float32):
        super().__init__()
        rng = rng or np.random.default_rng(0)
        self.c_in, self.c_out, self.kernel, self.padding = c_in, c_out, kernel, padding
        fan_in = kernel * kernel * c_in
        self.params = {"W": he_normal(rng, (kernel, kernel, c_in, c_out), fan_in, dtype),
                       "b": np.zeros(c_out, dtype)}

    def forward(self, x):
        p, k = self.padding, self.kernel
        xpad = np.pad(x, ((0, 0), (p, p), (p, p), (0, 0))) if p else x
        self.padded_shape = xpad.shape
        cols = im2col(xpad, k, k)
        n, ho, wo = cols.shape[:3]
        self.cols = cols.reshape(n * ho * wo, -1)
        y = self.cols @ self.params["W"].reshape(-1, self.c_out) + self.params["b"]
        return y.reshape(n, ho, wo, self.c_out)

    def backward(self, dy):
        n, ho, wo, _ = dy.shape
        k, p = self.kernel, self.padding
        dy2 = dy.reshape(-1, self.c_out)
        W = self.params["W"]
        self.grads.update(W=(self.cols.T @ dy2).reshape(W.shape), b=dy2.sum(axis=0))
        dcols = (dy2 @ W.reshape(-1, self.c_out).T).reshape(n, ho, wo, k, k, self.c_in)
        dxpad = col2im(dcols, self.padded_shape)
        return dxpad[:, p:dxpad.shape[1] - p, p:dxpad.shape[2] - p, :] if p else dxpad

    def config(self):
        return {"type": "Conv2D", "c_in": self.c_in, "c_out": self.c_out,
                "kernel": self.kernel, "padding": self.padding}

    def output_shape(self, input_shape):
        h, w, _ = input_shape
        d = 2 * self.padding - self.kernel + 1
        return (h + d, w + d, self.c_out)


class MaxPool2D(Layer):
    """Non-overlapping size x size max pooling; the gradient goes to the first maximum of each window."""

    def __init__(self, size: int = 2):
        super().__init__()
        self.size = size

    def _offsets(self):
        return [(i, j) for i in range(self.size) for j in range(self.size)]

    def forward(self, x):
        s = self.size
        self.x = x
        y = x[:, ::s, ::s, :].copy()
        for i, j in self._offsets()[1:]:
            np.maximum(y, x[:, i::s, j::s, :], out=y)
        self.y = y
        return y

    def backward(self, dy):
        s = self.size
        dx = np.zeros_like(self.x)
        taken = np.zeros(self.y.shape, dtype=bool)
        for i, j in self._offsets():
            first_max = (self.x[:, i::s, j::s, :] == self.y) & ~taken
            taken |= first_max
            dx[:, i::s, j::s, :] = dy * first_max
        return dx

    def config(self):
        return {"type": "MaxPool2D", "size": self.size}

    def output_shape(self, input_shape):
        h, w, c = input_shape
        return (h // self.size, w // self.size, c)


class ReLU(Layer):
    def forward(self, x):
        self.mask = x > 0
        return np.maximum(x, 0)

    def backward(self, dy):
        return dy * self.mask


class Sigmoid(Layer):
    def forward(self, x):
        self.y = 1.0 / (1.0 + np.exp(-x))
        return self.y

    def backward(self, dy):
        return dy * self.y * (1.0 - self.y)


class Flatten(Layer):
    def forward(self, x):
        self.in_shape = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, dy):
        return dy.reshape(self.in_shape)

    def output_shape(self, input_shape):
        return (int(np.prod(input_shape)),)


class Dropout(Layer):
    """Inverted dropout: active only while training, the identity at inference."""

    def __init__(self, rate: float = 0.5, *, rng: np.random.Generator | None = None):
        super().__init__()
        self.rate = rate
        self.rng = rng or np.random.default_rng(0)

    def forward(self, x):
        if not self.training or self.rate == 0:
            self.mask = None
            return x
        keep = 1.0 - self.rate
        self.mask = (self.rng.random(x.shape) < keep).astype(x.dtype) / x.dtype.type(keep)
        return x * self.mask

    def backward(self, dy):
        return dy if self.mask is None else dy * self.mask

    def config(self):
        return {"type": "Dropout", "rate": self.rate}
