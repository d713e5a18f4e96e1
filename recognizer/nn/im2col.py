"""Convolution as matrix products: im2col (patches as rows or columns) and the adjoint that takes gradients back."""
from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def im2col(xpad: np.ndarray, kh: int, kw: int, out: np.ndarray | None = None) -> np.ndarray:
    """(N, H, W, C) padded input -> (N, Ho, Wo, kh, kw, C) patches, one contiguous copy (into `out` if given).

    One copy of a strided window view: numpy then moves kw * C contiguous values at a time, where copying
    the kh * kw shifted slices one by one moved only C (a single value for the first layer's grey image).
    """
    windows = sliding_window_view(xpad, (kh, kw), axis=(1, 2)).transpose(0, 1, 2, 4, 5, 3)  # no copy yet
    if out is None:
        return np.ascontiguousarray(windows)
    np.copyto(out.reshape(windows.shape), windows)
    return out


def patch_columns(xpad: np.ndarray, kh: int, kw: int, out: np.ndarray) -> np.ndarray:
    """Single-channel (N, H, W, 1) padded input -> its patches as the columns of `out` (kh * kw + 1, N * Ho * Wo).

    Row (i, j) is the image shifted by (i, j), so every copy moves whole image rows; im2col's rows of a
    grey image would move one value at a time. The last row is ones: with the bias as the weights' last
    row, one product adds the bias and one product sums its gradient.
    """
    n, h, w, _ = xpad.shape
    windows = sliding_window_view(xpad[..., 0], (kh, kw), axis=(1, 2))      # (N, Ho, Wo, kh, kw), no copy
    np.copyto(out[:-1].reshape(kh, kw, n, h - kh + 1, w - kw + 1), windows.transpose(3, 4, 0, 1, 2))
    out[-1] = 1
    return out


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

