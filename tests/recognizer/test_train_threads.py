"""python manage.py train --threads N: each batch split across threads, and the metrics say so."""
import io
import json

import pytest
from django.core.management import CommandError, call_command

from recognizer.nn.data import save_mnist
from tests.nn.synthetic import tiny_mnist


@pytest.fixture
def mnist(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    save_mnist(tiny_mnist(train=200, test=50), settings.DATA_DIR / "mnist.npz")


def test_train_with_two_threads_records_them_in_the_metrics(mnist, tmp_path):
    call_command("train", "--arch", "cnn", "--c1", "4", "--c2", "8", "--hidden", "16", "--epochs", "1",
                 "--threads", "2", "--name", "cnn-t", "--out", str(tmp_path), stdout=io.StringIO())

    metrics = json.loads((tmp_path / "cnn-t.json").read_text())
    assert metrics["config"]["threads"] == 2
    assert (tmp_path / "cnn-t.npz").exists()


def test_train_rejects_fewer_than_one_thread(mnist, tmp_path):
    with pytest.raises(CommandError, match="--threads must be at least 1"):
        call_command("train", "--threads", "0", "--out", str(tmp_path), stdout=io.StringIO())
