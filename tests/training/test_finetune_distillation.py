"""RETRAIN_DISTILL: the replayed digits learn the active network's answers, not their labels, so what the active
network knows is what fine-tuning replays."""
import copy

import pytest

from recognizer.nn.train import evaluate
from tests.training.retraining import replay_with_wrong_labels, tiny_network
from training.finetune import FinetuneConfig, finetune


@pytest.mark.parametrize("distill, temperature, keeps_what_it_knew",
                         [(1.0, 1.0, True), (1.0, 2.0, True), (0.0, 1.0, False)])
def test_replayed_digits_follow_the_active_network_when_distilled_and_their_labels_when_not(distill, temperature,
                                                                                              keeps_what_it_knew):
    data = replay_with_wrong_labels()
    model = tiny_network(trained=True)
    before = evaluate(model, data.x_test, data.y_test)["accuracy"]
    cfg = FinetuneConfig(epochs=1, batch_size=64, lr=2e-3, variants=1, replay_share=1.0, pen_share=0.0, l2sp=0.0,
                         distill=distill, interpolate=1.0, min_steps=60, max_steps=60, seed=0,
                         distill_temperature=temperature)

    finetune(model, data, cfg, teacher=copy.deepcopy(model))

    after = evaluate(model, data.x_test, data.y_test)["accuracy"]
    assert before > 0.8
    assert (after > before - 0.05) is keeps_what_it_knew
