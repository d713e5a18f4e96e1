"""A batch split across threads trains the same network as the whole batch at once."""
import numpy as np

from recognizer.nn.losses import SoftmaxCrossEntropy
from recognizer.nn.model import build
from recognizer.nn.parallel import ParallelStep
from recognizer.nn.train import TrainConfig, fit, to_float

from .synthetic import synthetic_digits


def small_cnn(*, seed=0, dropout=0.4):
    return build("cnn", seed=seed, c1=4, c2=8, hidden=16, dropout=dropout)


def whole_batch_grads(model, x, y):
    loss_fn = SoftmaxCrossEntropy()
    loss = loss_fn.forward(model.forward(x), y)
    model.backward(loss_fn.backward(), input_grad=False)
    return loss, [p.grad.copy() for p in model.parameters()]


def test_a_batch_split_across_threads_gives_the_whole_batchs_gradient_and_loss():
    images, labels = synthetic_digits(37)       # odd, so the chunks differ in size
    x, y = to_float(images), labels.astype(np.int64)
    plain, threaded = small_cnn(seed=3, dropout=0.0), small_cnn(seed=3, dropout=0.0)

    loss, grads = whole_batch_grads(plain, x, y)
    split_loss, logits = ParallelStep(threaded, 3).forward_backward(x, y)

    assert np.isclose(split_loss, loss, rtol=1e-5)
    np.testing.assert_allclose(logits, plain.forward(x), rtol=1e-4, atol=1e-5)
    for grad, split in zip(grads, (p.grad for p in threaded.parameters())):
        np.testing.assert_allclose(split, grad, rtol=1e-4, atol=1e-6 * np.abs(grad).max())


def test_replicas_share_the_parameters_so_one_optimiser_step_updates_them_all():
    model = build("cnn", seed=0)
    step = ParallelStep(model, 2)
    replica = step.replicas[1]

    model.parameters()[0].value -= 1

    assert all(p.value is q.value for p, q in zip(model.parameters(), replica.parameters()))
    assert np.array_equal(replica.layers[0].params["W"], model.layers[0].params["W"])


def test_replicas_draw_their_own_dropout_masks():
    model = build("mlp", seed=0)
    model.train(True)
    step = ParallelStep(model, 2)
    x = np.ones((4, 784), np.float32)

    model.forward(x)
    step.replicas[1].forward(x)

    assert not np.array_equal(model.layers[2].mask, step.replicas[1].layers[2].mask)


def test_training_with_two_threads_ends_with_nearly_the_weights_of_one():
    images, labels = synthetic_digits(96)
    one, two = small_cnn(dropout=0.0), small_cnn(dropout=0.0)

    fit(one, images, labels, TrainConfig(epochs=2, batch_size=32, augment=None, threads=1))
    fit(two, images, labels, TrainConfig(epochs=2, batch_size=32, augment=None, threads=2))

    for a, b in zip(one.parameters(), two.parameters()):
        np.testing.assert_allclose(b.value, a.value, rtol=1e-3, atol=1e-4 * np.abs(a.value).max())


def test_training_with_threads_and_dropout_is_reproducible_from_its_seed():
    images, labels = synthetic_digits(64)
    first, again = small_cnn(), small_cnn()

    fit(first, images, labels, TrainConfig(epochs=1, batch_size=32, threads=2))
    fit(again, images, labels, TrainConfig(epochs=1, batch_size=32, threads=2))

    assert all(np.array_equal(a.value, b.value) for a, b in zip(first.parameters(), again.parameters()))
