"""Measuring a network on a run's data, and the promotion rule that compares the candidate with the active one."""
from __future__ import annotations

from math import comb

import numpy as np
from django.conf import settings

from recognizer.nn.model import Sequential
from recognizer.nn.train import evaluate, to_float

from .data import TrainingSet


def measure(model: Sequential, data: TrainingSet) -> tuple[dict, np.ndarray]:
    """Accuracy and confusion on MNIST test and on the drawing holdout, with the counts right; and which holdout
    digits it read right (for the paired comparison)."""
    mnist = evaluate(model, data.x_test, data.y_test)
    holdout = evaluate(model, data.x_holdout, data.y_holdout)
    right = (model.predict_proba(to_float(data.x_holdout)).argmax(1) == data.y_holdout if len(data.y_holdout)
             else np.zeros(0, bool))
    return {"mnist_test_accuracy": mnist["accuracy"], "mnist_correct": round(mnist["accuracy"] * mnist["count"]),
            "mnist_count": mnist["count"], "confusion": mnist["confusion"],
            "holdout_accuracy": holdout["accuracy"], "holdout_correct": int(right.sum()),
            "holdout_count": holdout["count"], "holdout_confusion": holdout["confusion"]}, right


def mcnemar_p(b: int, c: int) -> float:
    """McNemar's exact test: two-sided binomial p of b against c (p = 0.5 on the b + c discordant pairs)."""
    n = b + c
    if n == 0:
        return 1.0
    return min(1.0, 2 * sum(comb(n, i) for i in range(min(b, c) + 1)) / 2 ** n)


def gate(before: dict, after: dict, *, active_right: np.ndarray, candidate_right: np.ndarray,
         test: str = "mnist_test_accuracy", test_name: str = "MNIST test", rule: str = "MNIST",
         unit: str = "drawn digits") -> tuple[bool, str]:
    """The promotion rule. The test set (`test`: MNIST for a digit reader): at most RETRAIN_MAX_MNIST_DROP below the
    active. Holdout, paired: b symbols only the active read right, c only the candidate; the holdout vetoes only
    when b > c and McNemar's p < RETRAIN_HOLDOUT_ALPHA, so a digit or two either way on a small holdout decides
    nothing."""
    drop, alpha = settings.RETRAIN_MAX_MNIST_DROP, settings.RETRAIN_HOLDOUT_ALPHA
    b = int((active_right & ~candidate_right).sum())
    c = int((candidate_right & ~active_right).sum())
    p = mcnemar_p(b, c)
    tested = (f"{test_name} {after[test]:.4f} (active {before[test]:.4f}, at most {drop * 100:.2g} point down)")
    holdout = (f"holdout of {after['holdout_count']} {unit} {after['holdout_accuracy']:.4f} (active "
               f"{before['holdout_accuracy']:.4f}): only the active right on b={b}, only the candidate on c={c}, "
               f"McNemar p={p:.3g} (veto when b > c and p < {alpha:g})"
               if after["holdout_count"] else "no holdout drawings yet")
    if after[test] < before[test] - drop - 1e-9:
        return False, f"rejected by the {rule} rule: {tested}; {holdout}"
    if b > c and p < alpha:
        return False, f"rejected by the holdout rule: {holdout}; {tested}"
    return True, f"{tested}; {holdout}"
