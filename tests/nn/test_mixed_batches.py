"""fit() with a Mix: a fixed share of every batch comes from the extra examples (pen-drawn inputs)."""
import numpy as np

from recognizer.nn.model import build
from recognizer.nn.train import Mix, TrainConfig, fit
from tests.nn.synthetic import synthetic_digits


def test_every_batch_mixes_in_the_given_share():
    images, labels = synthetic_digits(1000)
    extra = np.full((50, 28, 28), 128, np.uint8)                    # recognisable: every pixel 128
    model = build("softreg", seed=0)
    seen = []
    forward = model.forward

    def recording_forward(x):
        flat = x.reshape(len(x), -1)
        seen.append((len(x), int((flat == np.float32(128 / 255)).all(axis=1).sum())))
        return forward(x)

    model.forward = recording_forward
    cfg = TrainConfig(epochs=1, batch_size=100, augment=None)

    fit(model, images, labels, cfg, mix=Mix(extra, np.full(50, 3), 0.2))

    assert seen[0] == (100, 20)
    assert len(seen) == 13                                         # 1000 main images, 80 a batch
    assert sum(n for _, n in seen) == 13 * 20


def test_a_mix_changes_nothing_for_the_main_images_order_without_it():
    images, labels = synthetic_digits(300)
    cfg = TrainConfig(epochs=1, batch_size=50, augment=None)
    plain, mixed_nothing = build("softreg", seed=0), build("softreg", seed=0)
    fit(plain, images, labels, cfg)
    fit(mixed_nothing, images, labels, cfg, mix=Mix(images[:0], labels[:0], 0.2))
    assert np.array_equal(plain.layers[0].params["W"], mixed_nothing.layers[0].params["W"])


def test_softmax_regression_is_one_dense_layer_and_learns():
    images, labels = synthetic_digits(1000)
    model = build("softreg", seed=0)
    fit(model, images, labels, TrainConfig(epochs=3, batch_size=50, augment=None))
    test_x, test_y = synthetic_digits(200, seed=5)
    assert [type(layer).__name__ for layer in model.layers] == ["Dense"]
    assert (model.predict_proba(test_x / 255).argmax(1) == test_y).mean() > 0.9
