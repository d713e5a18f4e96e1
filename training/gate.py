"""Measuring a network on a run's data, and the promotion rule that compares the candidate with the active one."""
from __future__ import annotations

from django.conf import settings

from recognizer.nn.model import Sequential
from recognizer.nn.train import evaluate

from .data import TrainingSet


def measure(model: Sequential, data: TrainingSet) -> dict:
    """Accuracy and confusion on MNIST test and on the drawing holdout, with the counts right."""
    mnist = evaluate(model, data.x_test, data.y_test)
    holdout = evaluate(model, data.x_holdout, data.y_holdout)
    return {"mnist_test_accuracy": mnist["accuracy"], "mnist_correct": round(mnist["accuracy"] * mnist["count"]),
            "mnist_count": mnist["count"], "confusion": mnist["confusion"],
            "holdout_accuracy": holdout["accuracy"], "holdout_correct": round(holdout["accuracy"] * holdout["count"]),
            "holdout_count": holdout["count"], "holdout_confusion": holdout["confusion"]}


def gate(before: dict, after: dict) -> tuple[bool, str]:
    """The promotion rule: MNIST no more than RETRAIN_MAX_MNIST_DROP below the active, holdout no lower."""
    drop = settings.RETRAIN_MAX_MNIST_DROP
    problems = []
    if after["mnist_test_accuracy"] < before["mnist_test_accuracy"] - drop - 1e-9:
        problems.append(f"MNIST test accuracy {after['mnist_test_accuracy']:.4f} is more than {drop * 100:.2g} "
                        f"point below the active model's {before['mnist_test_accuracy']:.4f}")
    if after["holdout_correct"] < before["holdout_correct"]:
        problems.append(f"holdout accuracy {after['holdout_accuracy']:.4f} is below the active model's "
                        f"{before['holdout_accuracy']:.4f} ({after['holdout_count']} drawn digits)")
    if problems:
        return False, "; ".join(problems)
    holdout = (f"holdout {after['holdout_accuracy']:.4f} (active {before['holdout_accuracy']:.4f}, "
               f"{after['holdout_count']} drawn digits)" if after["holdout_count"] else "no holdout drawings yet")
    return True, (f"MNIST test {after['mnist_test_accuracy']:.4f} (active {before['mnist_test_accuracy']:.4f}), "
                  f"{holdout}")
