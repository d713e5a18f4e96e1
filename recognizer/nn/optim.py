"""Optimisers: they update parameters from gradients after backward(), never inside it."""
from __future__ import annotations

import numpy as np

from .layers import Parameter


class SGD:
    """SGD with momentum; weight_decay (L2) applies to the parameters that decay (weights, not biases)."""

    def __init__(self, params: list[Parameter], lr: float = 0.01, momentum: float = 0.9, weight_decay: float = 0.0):
        self.params, self.lr, self.momentum, self.weight_decay = params, lr, momentum, weight_decay
        self.velocity = [np.zeros_like(p.value) for p in params]

    def step(self) -> None:
        for p, v in zip(self.params, self.velocity):
            grad = p.grad + self.weight_decay * p.value if self.weight_decay and p.decay else p.grad
            v *= self.momentum
            v -= self.lr * grad
            p.value += v


class Adam:
    """Adam; weight_decay is decoupled (AdamW) and applied to the parameters that decay (weights, not biases).
    The moments and the parameters are updated in place, through one scratch array per parameter."""

    def __init__(self, params: list[Parameter], lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0):
        self.params, self.lr, self.eps, self.weight_decay = params, lr, eps, weight_decay
        self.b1, self.b2 = betas
        self.m = [np.zeros_like(p.value) for p in params]
        self.v = [np.zeros_like(p.value) for p in params]
        self.scratch = [np.empty_like(p.value) for p in params]
        self.t = 0

    def step(self) -> None:
        self.t += 1
        c1, c2 = 1 - self.b1 ** self.t, 1 - self.b2 ** self.t
        for p, m, v, s in zip(self.params, self.m, self.v, self.scratch):
            grad, value = p.grad, p.value
            m *= self.b1
            np.multiply(grad, 1 - self.b1, out=s)
            m += s
            v *= self.b2
            np.multiply(grad, grad, out=s)
            s *= 1 - self.b2
            v += s
            if self.weight_decay and p.decay:
                value *= 1 - self.lr * self.weight_decay
            np.divide(v, c2, out=s)             # the step is lr * (m / c1) / (sqrt(v / c2) + eps)
            np.sqrt(s, out=s)
            s += self.eps
            np.divide(m, s, out=s)
            s *= self.lr / c1
            value -= s
