"""RETRAIN_INTERPOLATE: the candidate lies that share of the way from the active weights to the fine-tuned ones;
RETRAIN_LAYERS=dense: only the dense layers learn; RETRAIN_AUGMENT_REPLAY: whether replayed digits are augmented;
RETRAIN_HARD_WEIGHT: misread drawings seen more often."""
import numpy as np

from tests.training.retraining import small_mnist, tiny_network
from training.data import TrainingSet
from recognizer.nn.train import to_float
from training.finetune import FinetuneConfig, drawing_pool, finetune


def some_data() -> TrainingSet:
    mnist = small_mnist()
    empty = np.zeros((0, 28, 28), np.uint8), np.zeros(0, np.uint8)
    return TrainingSet(x_mnist=mnist["x_train"], y_mnist=mnist["y_train"], x_drawings=mnist["x_test"][:64],
                       y_drawings=mnist["y_test"][:64], x_pen=empty[0], y_pen=empty[1], x_test=mnist["x_test"],
                       y_test=mnist["y_test"], x_holdout=empty[0], y_holdout=empty[1])


def finetuned(interpolate: float) -> list[np.ndarray]:
    model = tiny_network()
    cfg = FinetuneConfig(epochs=1, batch_size=32, lr=1e-3, variants=2, replay_share=0.5, pen_share=0.0, l2sp=0.0,
                         distill=0.0, interpolate=interpolate, min_steps=5, max_steps=5, seed=0)
    finetune(model, some_data(), cfg)
    return [p.value.copy() for p in model.parameters()]


def test_interpolating_halfway_lands_midway_between_the_start_and_the_fine_tuned_weights():
    start = [p.value.copy() for p in tiny_network().parameters()]
    full, half, none = finetuned(1.0), finetuned(0.5), finetuned(0.0)
    assert any(not np.allclose(a, b) for a, b in zip(full, start))
    for s, f, h, n in zip(start, full, half, none):
        assert np.allclose(h, (s + f) / 2, atol=1e-6)
        assert np.array_equal(n, s)


def test_fine_tuning_only_the_dense_layers_leaves_the_convolutions_as_they_were():
    from recognizer.nn.layers import Conv2D, Dense
    from recognizer.nn.model import cnn_spec, from_architecture
    model = from_architecture(cnn_spec(), seed=0)
    learning = [layer for layer in model.layers if isinstance(layer, (Conv2D, Dense))]
    start = [[p.value.copy() for p in layer.parameters()] for layer in learning]
    cfg = FinetuneConfig(epochs=1, batch_size=32, lr=1e-3, variants=2, replay_share=0.5, pen_share=0.0, l2sp=0.0,
                         distill=0.0, interpolate=1.0, min_steps=3, max_steps=3, seed=0, layers="dense")
    finetune(model, some_data(), cfg)
    moved = [(type(layer).__name__, any(not np.array_equal(p.value, s) for p, s in zip(layer.parameters(), before)))
             for layer, before in zip(learning, start)]
    assert moved == [("Conv2D", False), ("Conv2D", False), ("Dense", True), ("Dense", True)]


def test_replayed_digits_are_shown_as_they_are_unless_augment_replay_is_on(monkeypatch):
    import training.finetune as ft
    augmented_rows = []
    real = ft.augment
    monkeypatch.setattr(ft, "augment", lambda x, *a, **k: augmented_rows.append(len(x)) or real(x, *a, **k))
    for augment_replay in (False, True):
        cfg = FinetuneConfig(epochs=1, batch_size=32, lr=1e-3, variants=2, replay_share=0.75, pen_share=0.0,
                             l2sp=0.0, distill=0.0, interpolate=1.0, min_steps=2, max_steps=2, seed=0,
                             augment_replay=augment_replay)
        finetune(tiny_network(), some_data(), cfg)
    assert augmented_rows == [8, 8, 32, 32]      # a quarter of each batch are drawings; with replay, all of it


def test_drawings_the_starting_network_misreads_are_seen_hard_weight_times_as_often():
    model, data = tiny_network(trained=True), some_data()
    misread = model.predict_logits(to_float(data.x_drawings)).argmax(axis=1) != data.y_drawings
    assert 0 < misread.sum() < len(misread)
    counts = np.bincount(drawing_pool(model, data, 3), minlength=len(misread))
    assert (counts[misread] == 3).all() and (counts[~misread] == 1).all()
    assert (np.bincount(drawing_pool(model, data, 1)) == 1).all()
