"""Layers with forward/backward pairs; images are NHWC arrays."""
from __future__ import annotations

import numpy as np

from .im2col import col2im_matmul, im2col, patch_columns


class Parameter:
    """One trainable array of a layer: its value, the gradient backward() filled in, and whether weight decay
    applies to it (weights yes, biases no). Optimisers update them micrograd-style: p.value -= lr * p.grad."""

    __slots__ = ("layer", "name", "decay")

    def __init__(self, layer: "Layer", name: str, decay: bool):
        self.layer, self.name, self.decay = layer, name, decay

    @property
    def value(self) -> np.ndarray:
        return self.layer.params[self.name]

    @value.setter
    def value(self, value: np.ndarray) -> None:
        self.layer.params[self.name] = value

    @property
    def grad(self) -> np.ndarray:
        return self.layer.grads[self.name]


class Layer:
    """A layer caches in forward() what backward() needs; backward() fills self.grads and returns dx."""

    DECAYED = frozenset({"W"})      # the arrays weight decay pulls toward zero: weights, never biases

    def __init__(self) -> None:
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self.training = True
        self.buffers: dict[str, np.ndarray] = {}

    def parameters(self) -> list[Parameter]:
        return [Parameter(self, name, name in self.DECAYED) for name in self.params]

    def forward(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def backward(self, dy: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def backward_params(self, dy: np.ndarray) -> None:
        """Fills self.grads without computing dx, for a first layer whose input needs no gradient."""
        self.backward(dy)

    def buffer(self, name: str, shape: tuple, dtype) -> np.ndarray:
        """Scratch space the caller fills whole: kept from batch to batch while training, so a big im2col array is
        not allocated and paged in again each time; new at inference, where threads may share a served model."""
        kept = self.buffers.get(name)
        if kept is not None and kept.shape == shape and kept.dtype == dtype:
            return kept
        array = np.empty(shape, dtype)
        if self.training:
            self.buffers[name] = array
        return array

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
        self.backward_params(dy)
        return dy @ self.params["W"].T

    def backward_params(self, dy):
        self.grads.update(W=self.x.T @ dy, b=dy.sum(axis=0))

    def config(self):
        return {"type": "Dense", "n_in": self.n_in, "n_out": self.n_out}

    def output_shape(self, input_shape):
        return (self.n_out,)


class Conv2D(Layer):
    """Stride-1 convolution (cross-correlation) of NHWC input with kh x kw x C_in x C_out filters. Patches are the
    rows of one matrix (im2col); with one input channel and `fast` (the default), its columns (patch_columns)."""

    def __init__(self, c_in: int, c_out: int, kernel: int = 5, padding: int = 0, *,
                 rng: np.random.Generator | None = None, dtype=np.float32, fast: bool = True):
        super().__init__()
        rng = rng or np.random.default_rng(0)
        self.c_in, self.c_out, self.kernel, self.padding, self.fast = c_in, c_out, kernel, padding, fast
        fan_in = kernel * kernel * c_in
        self.params = {"W": he_normal(rng, (kernel, kernel, c_in, c_out), fan_in, dtype),
                       "b": np.zeros(c_out, dtype)}

    def forward(self, x):
        p, k = self.padding, self.kernel
        xpad = np.pad(x, ((0, 0), (p, p), (p, p), (0, 0))) if p else x
        self.padded_shape = xpad.shape
        n, ho, wo = xpad.shape[0], xpad.shape[1] - k + 1, xpad.shape[2] - k + 1
        W, b = self.params["W"].reshape(-1, self.c_out), self.params["b"]
        self.patches_as_columns = self.fast and self.c_in == 1
        if self.patches_as_columns:
            self.cols = patch_columns(xpad, k, k, self.buffer("cols", (k * k + 1, n * ho * wo), x.dtype))
            y = self.cols.T @ np.concatenate([W, b[None]])
        else:
            self.cols = im2col(xpad, k, k, self.buffer("cols", (n * ho * wo, k * k * self.c_in), x.dtype))
            y = self.cols @ W
            y += b
        return y.reshape(n, ho, wo, self.c_out)

    def backward(self, dy):
        self.backward_params(dy)
        p = self.padding
        dxpad = col2im_matmul(dy, self.params["W"], self.padded_shape)
        return dxpad[:, p:dxpad.shape[1] - p, p:dxpad.shape[2] - p, :] if p else dxpad

    def backward_params(self, dy):
        dy2 = dy.reshape(-1, self.c_out)
        if self.patches_as_columns:
            dWb = self.cols @ dy2
            self.grads.update(W=dWb[:-1].reshape(self.params["W"].shape), b=dWb[-1])
        else:
            dW = self.cols.T @ dy2
            self.grads.update(W=dW.reshape(self.params["W"].shape), b=dy2.sum(axis=0))

    def config(self):
        return {"type": "Conv2D", "c_in": self.c_in, "c_out": self.c_out,
                "kernel": self.kernel, "padding": self.padding}

    def output_shape(self, input_shape):
        h, w, _ = input_shape
        d = 2 * self.padding - self.kernel + 1
        return (h + d, w + d, self.c_out)


class MaxPool2D(Layer):
    """Non-overlapping size x size max pooling (rows and columns past a whole window are dropped);
    the gradient goes to the first maximum of each window, whose position forward() keeps as one small code
    per window rather than a mask as big as the input."""

    def __init__(self, size: int = 2):
        super().__init__()
        self.size = size

    def _windows(self, x):
        """Strided views of x, one per position in the window, in row-major order."""
        s = self.size
        h, w = x.shape[1] - x.shape[1] % s, x.shape[2] - x.shape[2] % s
        return [x[:, i:h:s, j:w:s, :] for i in range(s) for j in range(s)]

    def forward(self, x):
        self.in_shape, self.dtype = x.shape, x.dtype
        first, *others = self._windows(x)
        y = first.copy()
        self.argmax = np.zeros(y.shape, np.min_scalar_type(self.size ** 2))
        for position, view in enumerate(others, 1):
            beats = np.greater(view, y)         # strictly: a tie leaves the maximum at the earlier position
            # positions come in increasing order, so the last one to beat the running maximum is the largest code
            np.maximum(self.argmax, beats * self.argmax.dtype.type(position), out=self.argmax)
            np.maximum(y, view, out=y)
        return y

    def backward(self, dy):
        whole_windows = all(d % self.size == 0 for d in self.in_shape[1:3])
        dx = np.empty(self.in_shape, self.dtype) if whole_windows else np.zeros(self.in_shape, self.dtype)
        for position, dx_view in enumerate(self._windows(dx)):
            np.multiply(dy, self.argmax == position, out=dx_view)
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
