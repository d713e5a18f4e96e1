"""python manage.py train and evaluate, end to end on a tiny mnist.npz written here."""
import io
import json
import re

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from recognizer.nn.data import data_hash, save_mnist
from recognizer.nn.model import load
from tests.nn.synthetic import tiny_mnist


@pytest.fixture
def mnist(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    data = tiny_mnist(train=600, test=100)
    save_mnist(data, settings.DATA_DIR / "mnist.npz")
    return data


def run(*args) -> list[str]:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().splitlines()


def test_train_writes_versioned_weights_and_metrics_that_evaluate_agrees_with(mnist, tmp_path):
    out = tmp_path / "models"

    lines = run("train", "--arch", "mlp", "--epochs", "1", "--limit", "512", "--out", str(out))

    weights = sorted(out.glob("*.npz"))
    assert [w.suffix for w in sorted(out.iterdir())] == [".json", ".npz"]
    assert re.fullmatch(r"mlp-\d{14}-s0\.npz", weights[0].name)
    metrics = json.loads(weights[0].with_suffix(".json").read_text())
    assert {"mnist_test_accuracy", "confusion", "epochs", "training_seconds", "seed", "data_hash"} <= set(metrics)
    assert metrics["seed"] == 0 and metrics["train_images"] == 512
    assert metrics["data_hash"] == data_hash({**mnist, "x_train": mnist["x_train"][:512],
                                              "y_train": mnist["y_train"][:512]})
    assert [e["epoch"] for e in metrics["epochs"]] == [1]
    assert np.array(metrics["confusion"]).sum() == 100
    assert lines[-1] == f"wrote {weights[0]} and {weights[0].with_suffix('.json')}"
    assert any(line.startswith("epoch 1/1 [") and "img/s" in line for line in lines)
    model, meta = load(weights[0])
    assert model.arch == "mlp" and meta["version"] == weights[0].stem

    evaluated = run("evaluate", "--weights", str(weights[0]))

    assert re.fullmatch(r"accuracy: 0\.\d{4}", evaluated[-1])
    assert evaluated[-1] == f"accuracy: {metrics['mnist_test_accuracy']:.4f}"
    assert evaluated[0] == f"model {weights[0].stem} (mlp) on 100 MNIST test images"
    assert len(evaluated) == 1 + 11 + 1


def test_training_is_seeded_through_the_command(mnist, tmp_path):
    for folder in ("a", "b"):
        run("train", "--arch", "mlp", "--epochs", "1", "--limit", "128", "--seed", "3", "--out", str(tmp_path / folder))
    first, second = (load(next((tmp_path / f).glob("*.npz")))[0] for f in ("a", "b"))
    assert all(np.array_equal(p.value, q.value) for p, q in zip(first.parameters(), second.parameters()))


def test_train_without_mnist_says_how_to_fetch_it(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "nowhere"
    with pytest.raises(CommandError, match="run `python manage.py fetch_mnist` first"):
        run("train", "--arch", "mlp", "--epochs", "1", "--out", str(tmp_path))


def test_train_refuses_zero_epochs(mnist, tmp_path):
    with pytest.raises(CommandError, match="--epochs must be at least 1"):
        run("train", "--arch", "mlp", "--epochs", "0", "--out", str(tmp_path))


def test_evaluate_a_file_that_is_not_there_fails_clearly(mnist, tmp_path):
    with pytest.raises(CommandError, match="missing.npz does not exist"):
        run("evaluate", "--weights", str(tmp_path / "missing.npz"))


def test_evaluate_a_file_that_is_not_a_model_fails_clearly(mnist, tmp_path):
    junk = tmp_path / "junk.npz"
    junk.write_bytes(b"not a model")
    with pytest.raises(CommandError, match=f"cannot evaluate {re.escape(str(junk))}"):
        run("evaluate", "--weights", str(junk))


def test_train_names_the_version_when_asked(mnist, tmp_path):
    run("train", "--arch", "mlp", "--epochs", "1", "--limit", "128", "--name", "mlp-7", "--out", str(tmp_path))
    model, meta = load(tmp_path / "mlp-7.npz")
    assert meta["version"] == "mlp-7"
    assert json.loads((tmp_path / "mlp-7.json").read_text())["version"] == "mlp-7"
