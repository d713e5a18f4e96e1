"""python manage.py train --average SHARE: the weights saved are the mean over the run's last steps (SWA), and the
same run's last-step weights are kept beside them to compare."""
import io
import json

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from recognizer.nn.data import save_mnist
from recognizer.nn.model import load
from tests.nn.synthetic import tiny_mnist

TINY = ["--arch", "cnn", "--c1", "4", "--c2", "8", "--hidden", "16", "--epochs", "2", "--seed", "0"]


@pytest.fixture
def mnist(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    save_mnist(tiny_mnist(train=200, test=50), settings.DATA_DIR / "mnist.npz")


def weights(path):
    return [p.value for p in load(path)[0].parameters()]


def test_an_averaged_run_saves_the_mean_weights_and_the_same_runs_last_step_beside_them(mnist, tmp_path):
    call_command("train", *TINY, "--name", "plain", "--out", str(tmp_path), stdout=io.StringIO())
    call_command("train", *TINY, "--average", "0.5", "--name", "avg", "--out", str(tmp_path), stdout=io.StringIO())

    for last, plain in zip(weights(tmp_path / "avg-last.npz"), weights(tmp_path / "plain.npz")):
        np.testing.assert_array_equal(last, plain)          # averaging does not change the run itself
    assert not all(np.allclose(a, p) for a, p in zip(weights(tmp_path / "avg.npz"), weights(tmp_path / "plain.npz")))
    metrics = json.loads((tmp_path / "avg.json").read_text())
    assert metrics["config"]["average"] == 0.5
    assert metrics["mnist_test_accuracy_last_step"] == json.loads((tmp_path / "plain.json").read_text())[
        "mnist_test_accuracy"]
    assert load(tmp_path / "avg-last.npz")[1]["version"] == "avg-last"


def test_averaging_over_every_step_of_a_one_step_run_is_that_step(mnist, tmp_path):
    args = ["--arch", "cnn", "--c1", "4", "--c2", "8", "--hidden", "16", "--epochs", "1", "--batch-size", "256"]
    call_command("train", *args, "--average", "1", "--name", "one", "--out", str(tmp_path), stdout=io.StringIO())

    for a, last in zip(weights(tmp_path / "one.npz"), weights(tmp_path / "one-last.npz")):
        np.testing.assert_array_equal(a, last)


def test_an_average_share_outside_0_to_1_is_refused(mnist, tmp_path):
    with pytest.raises(CommandError, match="--average"):
        call_command("train", *TINY, "--average", "1.5", "--out", str(tmp_path), stdout=io.StringIO())
