"""RETRAIN_DISTILL: the replayed digits learn the active network's answers, not their labels, so what the active
network knows is what fine-tuning replays."""
import copy

import numpy as np
import pytest

from recognizer.nn.losses import DistillationLoss, SoftmaxCrossEntropy
from recognizer.nn.train import evaluate
from tests.training.retraining import replay_with_wrong_labels, tiny_network
from training.finetune import FinetuneConfig, distillation_shift, finetune


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


@pytest.mark.parametrize("temperature", [1.0, 2.0, 4.0])
def test_the_distillation_shift_turns_the_label_gradient_into_hintons_distillation_gradient(temperature):
    rng = np.random.default_rng(0)
    logits, teacher = rng.normal(0, 3, (16, 10)), rng.normal(0, 3, (16, 10))
    labels = rng.integers(0, 10, 16)
    label_loss, hinton = SoftmaxCrossEntropy(), DistillationLoss(weight=1.0, temperature=temperature)
    label_loss.forward(logits, labels)
    hinton.forward(logits, labels, teacher)

    shifted = label_loss.backward() + distillation_shift(logits, labels, teacher, temperature) / len(labels)

    np.testing.assert_allclose(shifted, hinton.backward(), atol=1e-12)
