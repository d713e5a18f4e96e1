"""A candidate's recall: the run's labelled training drawings remembered beside the fine-tuned network, so that a
drawing very like one staff labelled reads as labelled (recognizer/nn/recall.py). Built from the candidate's own
features after training; the holdout is never in it, so the gate measures what it does."""
from __future__ import annotations

from django.conf import settings

from recognizer.nn.layers import Dense
from recognizer.nn.model import Sequential
from recognizer.nn.recall import Recall
from recognizer.nn.train import to_float

from .data import TrainingSet


def recall_layer(model: Sequential) -> int:
    """The layer whose input is remembered: RETRAIN_RECALL_LAYER "first-dense" (for a cnn, its flattened
    convolutional features; for an mlp, the pixels) or "last-dense"."""
    dense = [i for i, layer in enumerate(model.layers) if isinstance(layer, Dense)]
    where = {"first-dense": 0, "last-dense": -1}
    if settings.RETRAIN_RECALL_LAYER not in where:
        raise ValueError(f"RETRAIN_RECALL_LAYER={settings.RETRAIN_RECALL_LAYER!r}: use first-dense or last-dense")
    return dense[where[settings.RETRAIN_RECALL_LAYER]]


def recall_for(model: Sequential, data: TrainingSet) -> Recall | None:
    """The latest RETRAIN_RECALL_MAX training drawings remembered in `model`'s features, or None when
    RETRAIN_RECALL_WEIGHT or RETRAIN_RECALL_MAX is 0 or there are none."""
    if settings.RETRAIN_RECALL_WEIGHT <= 0 or settings.RETRAIN_RECALL_MAX <= 0 or len(data.y_drawings) == 0:
        return None
    keep = slice(-settings.RETRAIN_RECALL_MAX, None)
    layer = recall_layer(model)
    features = model.predict_hidden(to_float(data.x_drawings[keep]), layer=layer)
    return Recall.of(features, data.y_drawings[keep], layer=layer, threshold=settings.RETRAIN_RECALL_THRESHOLD,
                     weight=settings.RETRAIN_RECALL_WEIGHT)
