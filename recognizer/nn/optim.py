"""Optimisers: they update parameters from gradients after backward(), never inside it."""
from __future__ import annotations

import numpy as np


class SGD:
    def __init__(self, params: list[tuple[dict, dict, str]], lr: float = 0.01, momentum: float = 0.9,
                 weight_decay: float = 0.0):
        self.params, self.lr, self.momentum, self.weight_decay = params, lr, momentum, weight_decay
        self.velocity = [np.zeros_like(p[k]) for p, _, k in params]

    def step(self) -> None:
        for (p, g, k), v in zip(self.params, self.velocity):
            grad = g[k] + self.weight_decay * p[k] if self.weight_decay and k == "W" else g[k]
            v *= self.momentum
            v -= self.lr * grad
            p[k] += v


class Adam:
    """Adam; weight_decay is decoupled (AdamW) and applied to weight matrices only, not biases."""

    def __init__(self, params: list[tuple[dict, dict, str]], lr: float = 1e-3, betas=(0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0):
        self.params, self.lr, self.eps, self.weight_decay = params, lr, eps, weight_decay
        self.b1, self.b2 = betas
        self.m = [np.zeros_like(p[k]) for p, _, k in params]
        self.v = [np.zeros_like(p[k]) for p, _, k in params]
        self.t = 0

    def step(self) -> None:
        self.t += 1
        c1, c2 = 1 - self.b1 ** self.t, 1 - self.b2 ** self.t
        for (p, g, k), m, v in zip(self.params, self.m, self.v):
            grad = g[k]
            m *= self.b1
            m += (1 - self.b1) * grad
            v *= self.b2
            v += (1 - self.b2) * grad * grad
            if self.weight_decay and k == "W":
                p[k] -= self.lr * self.weight_decay * p[k]
            p[k] -= (self.lr * (m / c1) / (np.sqrt(v / c2) + self.eps)).astype(p[k].dtype)
