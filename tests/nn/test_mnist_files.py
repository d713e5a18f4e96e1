"""Reading MNIST's files: the IDX reader, and the unpickler that loads numpy arrays and nothing else."""
import gzip
import os
import pickle

import numpy as np
import pytest

from recognizer.nn.data import (DataError, data_hash, load_idx_folder, load_mnist, mnist_from_pickle,
                                read_idx, restricted_loads, save_mnist)

from .synthetic import idx_bytes, tiny_mnist, write_idx_folder


def test_the_idx_reader_reads_images_labels_and_wider_types():
    images = np.arange(2 * 28 * 28, dtype=np.uint8).reshape(2, 28, 28)
    labels = np.array([7, 2], np.uint8)
    signed = np.array([[-5, 70000], [3, 0]], np.int32)

    assert np.array_equal(read_idx(idx_bytes(images)), images)
    assert np.array_equal(read_idx(idx_bytes(labels)), labels)
    assert read_idx(idx_bytes(signed)).tolist() == signed.tolist()


@pytest.mark.parametrize("raw, message", [
    (b"\x01\x00\x08\x01\x00\x00\x00\x02ab", "bad magic number"),
    (b"\x00\x00\x42\x01\x00\x00\x00\x02ab", "unknown IDX data type 0x42"),
    (b"\x00\x00", "bad magic number"),
    (b"\x00\x00\x08\x03\x00\x00\x00\x02", "truncated IDX header"),
    (b"\x00\x00\x08\x01\x00\x00\x00\x05abc", r"IDX body is 3 bytes, expected 5 for shape \(5,\)"),
    (b"\x00\x00\x08\x01\x00\x00\x00\x02abc", r"IDX body is 3 bytes, expected 2"),
], ids=["bad magic", "unknown type", "too short for a magic", "truncated header", "truncated body",
        "trailing bytes"])
def test_the_idx_reader_rejects_bad_magic_and_truncated_files(raw, message):
    with pytest.raises(DataError, match=message):
        read_idx(raw)


def test_an_idx_folder_becomes_uint8_mnist_arrays(tmp_path):
    data = tiny_mnist(train=6, test=4)
    loaded = load_idx_folder(write_idx_folder(tmp_path, data))
    assert set(loaded) == set(data)
    for key in data:
        assert loaded[key].dtype == np.uint8
        assert np.array_equal(loaded[key], data[key])


def test_an_idx_folder_whose_images_and_labels_disagree_is_refused(tmp_path):
    data = tiny_mnist(train=6, test=4)
    data["y_test"] = data["y_test"][:3]
    with pytest.raises(DataError, match=r"test split has images \(4, 28, 28\) and labels \(3,\)"):
        load_idx_folder(write_idx_folder(tmp_path, data))


def test_saved_mnist_loads_back_unchanged_and_keeps_its_hash(tmp_path):
    data = tiny_mnist(train=6, test=4)
    save_mnist(data, tmp_path / "mnist.npz")
    loaded = load_mnist(tmp_path / "mnist.npz")
    assert data_hash(loaded) == data_hash(data)
    assert data_hash({**data, "y_test": data["y_test"][::-1]}) != data_hash(data)


def test_loading_mnist_that_is_not_there_says_how_to_get_it(tmp_path):
    with pytest.raises(DataError, match="run `python manage.py fetch_mnist` first"):
        load_mnist(tmp_path / "mnist.npz")


def python2_style_pickle(obj) -> bytes:
    """Protocol 3 with the pre-numpy-2 module name, as the mnist.pkl.gz in the wild refers to it."""
    return pickle.dumps(obj, protocol=3).replace(b"numpy._core.multiarray", b"numpy.core.multiarray")


@pytest.mark.parametrize("dump", [python2_style_pickle, lambda obj: pickle.dumps(obj, protocol=4)],
                         ids=["old numpy names", "protocol 4"])
def test_the_restricted_unpickler_loads_numpy_arrays(dump):
    arrays = (np.arange(6, dtype=np.float32).reshape(2, 3), np.array([1, 2], np.int64))
    loaded = restricted_loads(dump(arrays))
    assert [a.dtype for a in loaded] == [np.float32, np.int64]
    assert all(np.array_equal(a, b) for a, b in zip(loaded, arrays))


class RunsACommand:
    def __init__(self, command: str):
        self.command = command

    def __reduce__(self):
        return os.system, (self.command,)


MALICIOUS = {
    "os.system": lambda marker: pickle.dumps(RunsACommand(f"touch {marker}"), protocol=2),
    "builtins.eval": lambda marker: (b"cbuiltins\neval\n(V__import__('pathlib').Path(" +
                                     repr(str(marker)).encode() + b").touch()\ntR."),
    "os.system after an array": lambda marker: python2_style_pickle(
        (np.zeros(2), RunsACommand(f"touch {marker}"))),
    "a numpy function that runs code": lambda marker: (
        b"cnumpy.testing._private.utils\nrunstring\n(V__import__('os').system("
        + repr(f"touch {marker}").encode() + b")\n(dtR."),
}


@pytest.mark.parametrize("name", MALICIOUS)
def test_the_restricted_unpickler_refuses_a_pickle_that_calls_anything_else(name, tmp_path):
    marker = tmp_path / "pwned"
    raw = MALICIOUS[name](marker)
    with pytest.raises(pickle.UnpicklingError, match="refusing to load .*: only numpy arrays are allowed"):
        restricted_loads(raw)
    assert not marker.exists()


def test_the_malicious_pickles_really_are_malicious(tmp_path):
    """Guards the test above: with the ordinary unpickler each of them does run its payload."""
    for i, make in enumerate(MALICIOUS.values()):
        marker = tmp_path / f"pwned-{i}"
        try:
            pickle.loads(make(marker))
        except Exception:
            pass
        assert marker.exists(), list(MALICIOUS)[i]


def k_over_256(rng, n):
    return (rng.integers(0, 256, (n, 784)) / 256).astype(np.float32), rng.integers(0, 10, n).astype(np.int64)


def test_mnist_from_pickle_joins_train_and_validation_and_recovers_exact_pixels():
    rng = np.random.default_rng(0)
    train, valid, test = k_over_256(rng, 5), k_over_256(rng, 3), k_over_256(rng, 4)
    raw_gz = gzip.compress(python2_style_pickle((train, valid, test)))

    data = mnist_from_pickle(raw_gz)

    assert data["x_train"].shape == (8, 28, 28) and data["x_test"].shape == (4, 28, 28)
    assert all(a.dtype == np.uint8 for a in data.values())
    assert np.array_equal(data["x_train"].reshape(8, -1), np.rint(np.r_[train[0], valid[0]] * 256))
    assert np.array_equal(data["y_train"], np.r_[train[1], valid[1]])
    assert np.array_equal(data["x_test"].reshape(4, -1), np.rint(test[0] * 256))
    assert np.array_equal(data["y_test"], test[1])


@pytest.mark.parametrize("payload, message", [
    ((np.zeros(3),), "not the expected \\(train, valid, test\\) tuple"),
    (tuple((np.full((2, 784), 1.5, np.float32), np.zeros(2, np.int64)) for _ in range(3)),
     "pixel values are not k/256"),
], ids=["wrong shape", "pixels out of range"])
def test_mnist_from_pickle_refuses_a_pickle_that_is_not_mnist(payload, message):
    with pytest.raises(DataError, match=message):
        mnist_from_pickle(gzip.compress(python2_style_pickle(payload)))


def test_mnist_from_pickle_turns_a_refused_or_broken_pickle_into_a_data_error(tmp_path):
    marker = tmp_path / "pwned"
    with pytest.raises(DataError, match=r"refusing to load \w+\.system"):
        mnist_from_pickle(gzip.compress(MALICIOUS["os.system"](marker)))
    with pytest.raises(DataError, match="not the expected"):
        mnist_from_pickle(b"not gzip at all")
    assert not marker.exists()
