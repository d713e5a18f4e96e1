"""The sha256 of a file (read in chunks) or of bytes: how weights, pen inputs and downloaded wheels are checked and
recorded."""
import hashlib
from pathlib import Path


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def sha256_of_bytes(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()
