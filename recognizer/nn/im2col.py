"""Convolution as matrix products: im2col (patches as rows) and the adjoint that takes gradients back."""
from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def im2col(xpad: np.ndarray, kh: int, kw: int) -> np.ndarray:
    """(N, H, W, C) padded input -> (N, Ho, Wo, kh, kw, C) patches, one contiguous copy.

    One copy of a strided window view: numpy then moves kw * C contiguous values at a time, where copying
    the kh * kw shifted slices one by one moved only C (a single value for the first layer's grey image).
    """
    windows = sliding_window_view(xpad, (kh, kw), axis=(1, 2))          # (N, Ho, Wo, C, kh, kw), no copy
    return np.ascontiguousarray(windows.transpose(0, 1, 2, 4, 5, 3))


def col2im_matmul(dy: np.ndarray, W: np.ndarray, padded_shape: tuple) -> np.ndarray:
    """col2im(dy @ W.T) for dy (N, Ho, Wo, C_out) and W (kh, kw, C_in, C_out): the gradient on the padded input.

    Kernel offset by kernel offset, dy @ W[i, j].T is added back where that offset's patches came from:
    the same sums, without the (N, Ho, Wo, kh, kw, C_in) array, and every add moves whole contiguous rows.
    """
    kh, kw, c_in, c_out = W.shape
    n, ho, wo, _ = dy.shape
    dy2 = dy.reshape(-1, c_out)
    dxpad = np.zeros(padded_shape, dtype=dy.dtype)
    share = np.empty((n * ho * wo, c_in), dtype=dy.dtype)
    for i in range(kh):
        for j in range(kw):
            np.matmul(dy2, W[i, j].T, out=share)
            dxpad[:, i:i + ho, j:j + wo, :] += share.reshape(n, ho, wo, c_in)
    return dxpad
