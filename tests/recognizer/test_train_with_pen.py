"""python manage.py train --pen FILE --pen-share S --hold-out-writers A-B: what trained it is recorded."""
import io
import json

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from recognizer import pen_data
from digitsite.hashing import sha256_of
from recognizer.nn.data import save_mnist
from recognizer.nn.model import load
from tests.nn.synthetic import synthetic_digits, tiny_mnist


@pytest.fixture
def mnist(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    save_mnist(tiny_mnist(train=400, test=100), settings.DATA_DIR / "mnist.npz")


@pytest.fixture
def pen_file(tmp_path):
    x, y = synthetic_digits(200, seed=7)
    path = tmp_path / "pen_inputs.npz"
    pen_data.save_pen_inputs({"x": x, "y": y, "writer": np.repeat(np.arange(1, 21), 10).astype(np.int16)}, path)
    return path


def run(*args) -> list[str]:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().splitlines()


def test_train_with_pen_inputs_records_what_trained_it_and_fits_a_temperature(mnist, pen_file, tmp_path):
    lines = run("train", "--arch", "cnn", "--c1", "4", "--c2", "8", "--hidden", "16", "--epochs", "1",
                "--pen", str(pen_file), "--pen-share", "0.25", "--hold-out-writers", "17-20",
                "--name", "cnn-t", "--out", str(tmp_path / "models"))

    metrics = json.loads((tmp_path / "models" / "cnn-t.json").read_text())
    assert metrics["pen_inputs"]["sha256"] == sha256_of(pen_file)
    assert metrics["pen_inputs"]["writers"] == "1-16" and metrics["pen_inputs"]["held_out_writers"] == "17-20"
    assert metrics["pen_inputs"]["images"] == 160 and metrics["pen_inputs"]["share"] == 0.25
    assert metrics["config"]["mix_share"] == 0.25
    assert metrics["config"]["arch_options"] == {"c1": 4, "c2": 8, "hidden": 16}
    assert metrics["held_out_pen"]["count"] == 40 and metrics["held_out_pen"]["writers"] == "17-20"
    model, meta = load(tmp_path / "models" / "cnn-t.npz")
    assert meta["temperature"] == metrics["temperature"] == round(metrics["held_out_pen"]["temperature"], 4)
    assert model.layers[0].params["W"].shape == (5, 5, 1, 4)
    assert any(line.startswith("held-out writers 17-20: accuracy") for line in lines)


def test_train_stores_a_temperature_it_is_given_and_the_redraw_share(mnist, pen_file, tmp_path):
    run("train", "--arch", "mlp", "--epochs", "1", "--pen", str(pen_file), "--temperature", "1.5",
        "--redraw-share", "0.3", "--name", "mlp-t", "--out", str(tmp_path))
    assert load(tmp_path / "mlp-t.npz")[1]["temperature"] == 1.5
    assert json.loads((tmp_path / "mlp-t.json").read_text())["config"]["redraw_share"] == 0.3


def test_train_refuses_pen_inputs_of_the_writers_who_only_measure(mnist, tmp_path):
    x, y = synthetic_digits(20)
    path = tmp_path / "bad.npz"
    pen_data.save_pen_inputs({"x": x, "y": y, "writer": np.full(20, 25, np.int16)}, path)
    with pytest.raises(CommandError, match="holds writers who only measure"):
        run("train", "--arch", "mlp", "--epochs", "1", "--pen", str(path), "--out", str(tmp_path))
