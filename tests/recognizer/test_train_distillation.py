"""python manage.py train --teacher A --teacher B: a student learns from an ensemble's answers, and says so."""
import io
import json

import pytest
from django.core.management import CommandError, call_command

from digitsite.hashing import sha256_of
from recognizer.nn.data import save_mnist
from tests.nn.synthetic import tiny_mnist

TINY = ["--arch", "cnn", "--c1", "4", "--c2", "8", "--hidden", "16", "--epochs", "1"]


@pytest.fixture
def mnist(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    save_mnist(tiny_mnist(train=200, test=50), settings.DATA_DIR / "mnist.npz")


def test_a_student_records_its_teachers_and_how_much_it_followed_them(mnist, tmp_path):
    for seed in ("0", "1"):
        call_command("train", *TINY, "--seed", seed, "--name", f"t{seed}", "--out", str(tmp_path),
                     stdout=io.StringIO())

    call_command("train", *TINY, "--init", str(tmp_path / "t0.npz"), "--teacher", str(tmp_path / "t0.npz"),
                 "--teacher", str(tmp_path / "t1.npz"), "--distill-weight", "0.5", "--name", "student",
                 "--out", str(tmp_path), stdout=io.StringIO())

    distillation = json.loads((tmp_path / "student.json").read_text())["config"]["distillation"]
    assert distillation == {"teachers": 2, "weight": 0.5, "temperature": 2.0, "from": [
        {"file": "t0.npz", "sha256": sha256_of(tmp_path / "t0.npz")},
        {"file": "t1.npz", "sha256": sha256_of(tmp_path / "t1.npz")}]}


def test_distillation_is_refused_on_more_than_one_thread(mnist, tmp_path):
    with pytest.raises(CommandError, match="distillation"):
        call_command("train", *TINY, "--teacher", str(tmp_path / "t.npz"), "--threads", "2",
                     "--out", str(tmp_path), stdout=io.StringIO())


def test_a_teacher_that_cannot_be_loaded_is_a_clear_error(mnist, tmp_path):
    (tmp_path / "broken.npz").write_bytes(b"not a weights file")
    with pytest.raises(CommandError, match="cannot load a teacher"):
        call_command("train", *TINY, "--teacher", str(tmp_path / "broken.npz"), "--out", str(tmp_path),
                     stdout=io.StringIO())
