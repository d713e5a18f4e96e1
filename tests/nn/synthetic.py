"""Small learnable stand-ins for MNIST, and writers of the IDX files it ships as."""
import gzip
import struct
from pathlib import Path

import numpy as np

from recognizer.nn.data import IDX_FILES

IDX_TYPE_CODES = {"u1": 0x08, "i4": 0x0C, "f4": 0x0D}


def synthetic_digits(n: int, *, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(n, 28, 28) uint8 images and their labels 0..9: noisy copies of ten random stroke templates."""
    templates = np.random.default_rng(12345).random((10, 28, 28)) > 0.8
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, n).astype(np.uint8)
    kept = rng.random((n, 28, 28)) > 0.2
    images = (templates[labels] & kept) * rng.integers(180, 256, (n, 28, 28))
    return images.astype(np.uint8), labels


def tiny_mnist(train: int = 600, test: int = 100) -> dict[str, np.ndarray]:
    """The four arrays of mnist.npz, with the canonical names and dtypes."""
    x_train, y_train = synthetic_digits(train, seed=1)
    x_test, y_test = synthetic_digits(test, seed=2)
    return {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}


def idx_bytes(array: np.ndarray) -> bytes:
    """An IDX file: magic 0 0 type ndim, the dimensions as big-endian uint32, then the data big-endian."""
    header = bytes([0, 0, IDX_TYPE_CODES[array.dtype.str[1:]], array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


def write_idx_folder(folder: Path, data: dict[str, np.ndarray]) -> Path:
    """The four canonical train-images-idx3-ubyte.gz ... files, as MNIST's own site serves them."""
    folder.mkdir(parents=True, exist_ok=True)
    for key, name in IDX_FILES.items():
        (folder / name).write_bytes(gzip.compress(idx_bytes(data[key])))
    return folder
