"""Training is seeded and learns; augmentation is seeded and stays in 0..1."""
import numpy as np
import pytest

from recognizer.nn.augment import AugmentConfig, augment
from recognizer.nn.losses import SoftmaxCrossEntropy
from recognizer.nn.model import build
from recognizer.nn.train import Distillation, TrainConfig, evaluate, fit, to_float

from .synthetic import synthetic_digits


def trained_weights(seed: int) -> list[np.ndarray]:
    images, labels = synthetic_digits(64)
    model = build("cnn", seed=seed)
    fit(model, images, labels, TrainConfig(epochs=1, batch_size=32, seed=seed))
    return [p.value for p in model.parameters()]


def test_a_seeded_training_run_is_reproducible():
    first, again, other = trained_weights(0), trained_weights(0), trained_weights(1)

    assert all(np.array_equal(a, b) for a, b in zip(first, again))
    assert not all(np.array_equal(a, b) for a, b in zip(first, other))


@pytest.mark.parametrize("arch, count, epochs", [("mlp", 256, 3), ("cnn", 128, 2)])
def test_a_short_training_run_lowers_the_loss(arch, count, epochs):
    images, labels = synthetic_digits(count)
    model = build(arch, seed=0)
    loss_fn = SoftmaxCrossEntropy()
    x = to_float(images)

    before = loss_fn.forward(model.forward(x), labels.astype(np.int64))
    history = fit(model, images, labels, TrainConfig(epochs=epochs, batch_size=32, augment=None))
    model.train(False)
    after = loss_fn.forward(model.forward(x), labels.astype(np.int64))

    assert [h["epoch"] for h in history] == list(range(1, epochs + 1))
    assert history[-1]["loss"] < history[0]["loss"]
    assert after < before / 2


@pytest.mark.parametrize("weight, follows", [(1.0, "teacher"), (0.0, "labels")])
def test_a_distilled_student_learns_what_its_teacher_answers_in_the_share_it_is_told(weight, follows):
    images, labels = synthetic_digits(256)
    teacher = build("mlp", seed=1)          # taught that every digit is the next one
    fit(teacher, images, (labels + 1) % 10, TrainConfig(epochs=4, batch_size=32, augment=None))
    student = build("mlp", seed=2)

    fit(student, images, labels, TrainConfig(epochs=4, batch_size=32, augment=None),
        distill=Distillation((teacher,), weight=weight, temperature=1.0))

    read = student.predict_proba(to_float(images)).argmax(1)
    expected = (labels + 1) % 10 if follows == "teacher" else labels
    assert (read == expected).mean() > 0.9


def test_evaluate_counts_a_confusion_matrix_with_true_digits_as_rows():
    images, labels = synthetic_digits(64)
    result = evaluate(build("mlp"), images, labels)
    confusion = np.array(result["confusion"])

    assert confusion.shape == (10, 10)
    assert confusion.sum() == result["count"] == 64
    assert confusion.sum(axis=1).tolist() == np.bincount(labels, minlength=10).tolist()
    assert result["accuracy"] == pytest.approx(np.trace(confusion) / 64)


def test_oversampling_weights_decide_which_examples_are_trained_on():
    images, labels = synthetic_digits(64)
    only_first_half = np.r_[np.ones(32), np.zeros(32)]
    untouched = build("mlp", seed=0)
    on_half = build("mlp", seed=0)
    on_half_and_junk = build("mlp", seed=0)
    junk = images.copy()
    junk[32:] = 255

    fit(on_half, images, labels, TrainConfig(epochs=1, batch_size=32, augment=None), sample_weights=only_first_half)
    fit(on_half_and_junk, junk, labels, TrainConfig(epochs=1, batch_size=32, augment=None),
        sample_weights=only_first_half)

    assert not np.array_equal(on_half.layers[0].params["W"], untouched.layers[0].params["W"])
    assert np.array_equal(on_half.layers[0].params["W"], on_half_and_junk.layers[0].params["W"])


def test_augmentation_with_one_seed_gives_one_output_and_stays_within_0_and_1():
    images = to_float(synthetic_digits(32)[0])
    original = images.copy()

    first = augment(images, np.random.default_rng(9))
    again = augment(images, np.random.default_rng(9))
    other = augment(images, np.random.default_rng(10))

    assert np.array_equal(first, again)
    assert not np.array_equal(first, other)
    assert first.shape == images.shape and first.dtype == np.float32
    assert first.min() >= 0 and first.max() <= 1
    assert not np.array_equal(first, images)
    assert np.array_equal(images, original)


def test_augmentation_stays_within_0_and_1_even_at_its_most_extreme():
    images = to_float(synthetic_digits(32)[0])
    wild = AugmentConfig(rotate_deg=45, scale=(0.5, 1.6), stretch=0.4, shear=0.8, shift_px=6,
                         elastic_px=3, thicken_p=0.5, thin_p=0.5)
    out = augment(images, np.random.default_rng(0), wild)
    assert out.min() >= 0 and out.max() <= 1
    assert np.isfinite(out).all()


def test_augmentation_with_everything_turned_off_returns_the_digit_unchanged():
    images = to_float(synthetic_digits(8)[0])
    still = AugmentConfig(rotate_deg=0, scale=(1, 1), stretch=0, shear=0, shift_px=0, elastic_px=0,
                          thicken_p=0, thin_p=0)
    np.testing.assert_allclose(augment(images, np.random.default_rng(0), still), images, atol=1e-6)
