"""Where a model version's weights come from, on any machine that shares the database.

Shipped versions are files in WEIGHTS_DIR that come with the code. A version trained here (by a Celery worker on
whichever machine) keeps its .npz bytes in its database row: a web process on another machine reads them once,
checks them against the row's sha256, and keeps a copy in MODEL_CACHE_DIR named by that sha256, so a restart
loads from local disk and never trusts a file that does not match.
"""
from __future__ import annotations

import logging
import re
from pathlib import Path

from django.conf import settings

from digitsite.hashing import sha256_of_bytes

from .models import ModelVersion
from .nn.model import Sequential, load, write_atomically

log = logging.getLogger(__name__)


class VersionError(Exception):
    """An activation, rollback or load that cannot be done; the message says why."""


def cached_path(version: ModelVersion) -> Path:
    return Path(settings.MODEL_CACHE_DIR) / f"{version.sha256}.npz"


def has_weights(version: ModelVersion) -> bool:
    if version.in_database:
        return ModelVersion.objects.filter(pk=version.pk, weights__isnull=False).exists()
    return version.path.exists()


def weights_bytes(version: ModelVersion) -> bytes:
    """The version's .npz bytes, checked against its sha256; raises VersionError when they are missing or differ."""
    if not version.in_database:
        try:
            raw = version.path.read_bytes()
        except FileNotFoundError:
            raise VersionError(f"{version.version}: its weights file {version.file} is missing.") from None
    else:
        raw = _from_cache(version) or _from_database(version)
    if sha256_of_bytes(raw) != version.sha256:
        raise VersionError(f"the weights of {version.version} do not match its recorded sha256")
    return raw


def _from_cache(version: ModelVersion) -> bytes | None:
    try:
        raw = cached_path(version).read_bytes()
    except OSError:
        return None
    return raw if sha256_of_bytes(raw) == version.sha256 else None


def _from_database(version: ModelVersion) -> bytes:
    stored = ModelVersion.objects.filter(pk=version.pk).values_list("weights", flat=True).first()
    if stored is None:
        raise VersionError(f"{version.version}: the database holds no weights for it.")
    raw = bytes(stored)         # PostgreSQL gives a memoryview
    if sha256_of_bytes(raw) == version.sha256:
        try:
            write_atomically(cached_path(version), raw)
        except OSError:         # a read-only or full disk costs a database read per load, nothing more
            log.warning("could not cache the weights of %s in %s", version.version, settings.MODEL_CACHE_DIR,
                        exc_info=True)
    return raw


def load_network(version: ModelVersion) -> tuple[Sequential, dict]:
    """The version's network and its meta."""
    return load(weights_bytes(version))


def store_version(network: Sequential, *, arch: str, version: str, meta: dict, **fields) -> ModelVersion:
    """Registers a version trained here, its weights in its row (call inside the transaction that decides it)."""
    raw = network.to_bytes(meta)
    return ModelVersion.objects.create(arch=arch, version=version, file=f"{version}.npz", in_database=True,
                                       weights=raw, sha256=sha256_of_bytes(raw), **fields)


def next_version(arch: str) -> str:
    """`<arch>-<n>`, one more than any registered version."""
    numbers = [int(m.group(1)) for v in ModelVersion.objects.filter(arch=arch).values_list("version", flat=True)
               if (m := re.fullmatch(rf"{arch}-(\d+)", v))]
    return f"{arch}-{max(numbers, default=1) + 1}"
