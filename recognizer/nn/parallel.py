"""Data parallelism inside a batch: chunks of one batch on replicas of the model in threads, one summed gradient."""
from __future__ import annotations

import copy
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from .layers import Dropout
from .losses import SoftmaxCrossEntropy
from .model import Sequential


def replica(model: Sequential, rng: np.random.Generator) -> Sequential:
    """A model that shares `model`'s parameters (the very same params dicts, so an optimiser step on `model`
    updates both) but has its own grads, forward caches, scratch buffers and, from `rng`, its own dropout masks."""
    layers = []
    for layer in model.layers:
        twin = copy.copy(layer)
        twin.grads, twin.buffers = {}, {}
        if isinstance(twin, Dropout):
            twin.rng = rng
        layers.append(twin)
    return Sequential(layers, arch=model.arch, input_shape=model.input_shape)


class ParallelStep:
    """Forward and backward of one batch split into `threads` chunks, each on its own replica in its own thread.

    numpy lets go of the GIL inside BLAS calls, array copies and ufunc loops over big arrays, so the chunks run
    on separate cores, with every op of the network parallel, not only the matrix products. The first chunk runs
    on `model` itself; afterwards `model`'s grads hold the gradient of the whole batch's mean loss, as if
    backward had run on it at once, so the optimiser steps `model.parameters()` as usual. Replicas copy the
    layers' training mode when they are made; their dropout generators are seeded from `seed`.
    """

    def __init__(self, model: Sequential, threads: int, *, seed: int = 0):
        generators = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(threads - 1)]
        self.replicas = [model] + [replica(model, rng) for rng in generators]
        self.losses = [SoftmaxCrossEntropy() for _ in self.replicas]

    def forward_backward(self, x: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
        """Fills the model's grads for the batch (x, y); returns the batch's mean loss and its logits."""
        bounds = np.linspace(0, len(x), len(self.replicas) + 1).astype(int)
        parts = [slice(start, stop) for start, stop in zip(bounds[:-1], bounds[1:])]

        def on_chunk(i: int) -> tuple[float, np.ndarray]:
            part = parts[i]
            return self.chunk(i, x[part], y[part], share=(part.stop - part.start) / len(x))

        with ThreadPoolExecutor(len(parts) - 1) as pool:
            others = pool.map(on_chunk, range(1, len(parts)))      # submitted at once; chunk 0 runs meanwhile
            results = [on_chunk(0), *others]
        self.sum_grads()
        return sum(loss for loss, _ in results), np.concatenate([logits for _, logits in results])

    def chunk(self, i: int, x: np.ndarray, y: np.ndarray, share: float) -> tuple[float, np.ndarray]:
        """Replica i's forward and backward on its chunk, a `share` of the batch. The loss is a mean over the
        chunk; weighting it by the chunk's share makes the chunks' gradients add up to the batch mean's."""
        model, loss_fn = self.replicas[i], self.losses[i]
        logits = model.forward(x)
        loss = loss_fn.forward(logits, y)
        model.backward(loss_fn.backward() * np.float32(share), input_grad=False)
        return loss * share, logits

    def sum_grads(self) -> None:
        """Adds every replica's grads into the model's (whose arrays backward() made fresh for this batch)."""
        model, *others = self.replicas
        for i, layer in enumerate(model.layers):
            for name, grad in layer.grads.items():
                for other in others:
                    grad += other.layers[i].grads[name]
