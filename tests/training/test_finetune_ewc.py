"""RETRAIN_EWC: elastic weight consolidation pulls each weight back toward the active one in proportion to how
much MNIST's answers depend on it (its Fisher information), estimated from a few batches."""
import numpy as np
import pytest

from recognizer.nn.losses import softmax
from recognizer.nn.train import evaluate, to_float
from tests.training.retraining import replay_with_wrong_labels, small_mnist, tiny_network
from training.finetune import FinetuneConfig, finetune, fisher_diagonal


def per_image_fisher(model, images, labels_drawn):
    """E[g^2] the slow way: one backward pass per image."""
    total = [np.zeros_like(p.value, dtype=np.float64) for p in model.parameters()]
    for image, drawn in zip(images, labels_drawn):
        probs = softmax(model.forward(to_float(image[None])))
        probs[0, drawn] -= 1
        model.backward(probs, input_grad=False)
        for t, p in zip(total, model.parameters()):
            t += p.grad.astype(np.float64) ** 2
    return [t / len(images) for t in total]


def test_weights_from_pixels_that_are_always_blank_carry_no_fisher_information():
    model = tiny_network(trained=True)
    x = small_mnist()["x_train"]
    blank = (x.reshape(len(x), -1) == 0).all(axis=0)            # the corners, in every digit

    fisher = fisher_diagonal(model, model.parameters(), x, np.random.default_rng(0))
    first_layer_weights = fisher[0]

    assert blank.any() and (~blank).any()
    assert np.all(first_layer_weights[blank] == 0)
    assert first_layer_weights[~blank].mean() > 0
    assert np.isclose(np.concatenate([f.ravel() for f in fisher]).mean(), 1.0, rtol=1e-4)     # scaled to mean 1


def test_batch_means_estimate_the_fisher_that_one_image_at_a_time_gives():
    model = tiny_network(trained=True)
    model.train(False)
    x = small_mnist()["x_train"][:2048]
    rng = np.random.default_rng(1)
    drawn = [rng.choice(10, p=p / p.sum()) for p in model.predict_proba(to_float(x)).astype(np.float64)]
    slow = per_image_fisher(model, x, drawn)
    slow_scaled = np.concatenate([s.ravel() for s in slow]) / np.mean(np.concatenate([s.ravel() for s in slow]))

    fast = np.concatenate([f.ravel() for f in fisher_diagonal(model, model.parameters(), x, np.random.default_rng(2),
                                                             batches=256, size=16)])

    assert np.corrcoef(fast, slow_scaled)[0, 1] > 0.9
    assert np.abs(fast - slow_scaled).mean() < 0.3


@pytest.mark.parametrize("ewc, keeps_what_it_knew", [(30.0, True), (0.0, False)])
def test_a_strong_ewc_pull_keeps_what_the_network_knew_where_replay_alone_teaches_it_wrong(ewc, keeps_what_it_knew):
    data = replay_with_wrong_labels()
    model = tiny_network(trained=True)
    before = evaluate(model, data.x_test, data.y_test)["accuracy"]
    cfg = FinetuneConfig(epochs=1, batch_size=64, lr=2e-3, variants=1, replay_share=1.0, pen_share=0.0, l2sp=0.0,
                         distill=0.0, interpolate=1.0, min_steps=60, max_steps=60, seed=0, ewc=ewc)

    finetune(model, data, cfg)

    after = evaluate(model, data.x_test, data.y_test)["accuracy"]
    assert before > 0.8
    assert (after > before - 0.05) is keeps_what_it_knew
