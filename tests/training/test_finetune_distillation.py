"""RETRAIN_DISTILL: the replayed digits learn the active network's answers, not their labels, so what the active
network knows is what fine-tuning replays."""
import copy

import numpy as np
import pytest

from recognizer.nn.train import evaluate
from tests.training.retraining import small_mnist, tiny_network
from training.data import TrainingSet
from training.finetune import FinetuneConfig, finetune


def replay_with_wrong_labels() -> TrainingSet:
    """MNIST to replay whose labels are all shifted by one, and no drawings of a visitor."""
    mnist = small_mnist()
    empty = np.zeros((0, 28, 28), np.uint8), np.zeros(0, np.uint8)
    return TrainingSet(x_mnist=mnist["x_train"], y_mnist=(mnist["y_train"] + 1) % 10, x_drawings=empty[0],
                       y_drawings=empty[1], x_pen=empty[0], y_pen=empty[1], x_test=mnist["x_test"],
                       y_test=mnist["y_test"], x_holdout=empty[0], y_holdout=empty[1])


@pytest.mark.parametrize("distill, keeps_what_it_knew", [(1.0, True), (0.0, False)])
def test_replayed_digits_follow_the_active_network_when_distilled_and_their_labels_when_not(distill,
                                                                                              keeps_what_it_knew):
    data = replay_with_wrong_labels()
    model = tiny_network(trained=True)
    before = evaluate(model, data.x_test, data.y_test)["accuracy"]
    cfg = FinetuneConfig(epochs=1, batch_size=64, lr=2e-3, variants=1, replay_share=1.0, pen_share=0.0, l2sp=0.0,
                         distill=distill, interpolate=1.0, min_steps=60, max_steps=60, seed=0)

    finetune(model, data, cfg, teacher=copy.deepcopy(model))

    after = evaluate(model, data.x_test, data.y_test)["accuracy"]
    assert before > 0.8
    assert (after > before - 0.05) is keeps_what_it_knew
