"""Stochastic weight averaging (Izmailov et al. 2018; dense, every step, as in SWAD, Cha et al. 2021): the mean of
a network's parameters over the last share of a run's steps, a point in the middle of where those steps went."""
from __future__ import annotations


class WeightAverage:
    """The running mean of `params` over the last `share` of `total` steps (0: none; apply() then changes nothing).
    Call after_step(step) after each optimiser step, step counted from 0."""

    def __init__(self, params: list, share: float, total: int):
        self.params, self.mean, self.seen = params, [], 0
        self.first = total - max(1, int(round(total * share))) if share else total     # first averaged step

    def after_step(self, step: int) -> None:
        if step < self.first:
            return
        self.seen += 1
        if self.seen == 1:
            self.mean = [p.value.copy() for p in self.params]
            return
        for m, p in zip(self.mean, self.params):
            m += (p.value - m) / self.seen

    def apply(self) -> None:
        for p, m in zip(self.params, self.mean):
            p.value[...] = m
