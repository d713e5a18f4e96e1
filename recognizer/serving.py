"""The served networks: the active ModelVersion of each arch, loaded per process and swapped when it changes.

Each process asks the database which version is active at most every SERVING_CHECK_SECONDS; when it
changed, the new weights are loaded completely (and their sha256 checked) before one reference is
swapped, so a request sees either the old model or the new one, never half of either.
"""
from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from digitsite.domain import Unavailable

from digitsite.hashing import sha256_of
from .models import ARCH_CHOICES, ModelVersion
from .nn.model import Sequential, load
from .weights_store import VersionError, has_weights, load_network  # noqa: F401 (VersionError: callers catch it here)

log = logging.getLogger(__name__)
ARCHS = tuple(arch for arch, _ in ARCH_CHOICES)     # the archs a ModelVersion can be of


class ModelUnavailable(Unavailable):
    """No weights can be loaded for the arch (a deployment error): the API answers 503, not 500.
    `detail` says why, for the log; the client gets the short message."""

    def __init__(self, detail: str):
        super().__init__("model_unavailable", "The recognizer is not available right now; try again later.")
        self.detail = detail


@dataclass(frozen=True)
class LoadedModel:
    arch: str
    version: str
    network: Sequential
    metrics: dict = field(default_factory=dict)
    temperature: float = 1.0       # fitted on drawings the network never trained on (meta "temperature")

    def predict_proba(self, images: np.ndarray) -> np.ndarray:
        return self.network.predict_proba(images, temperature=self.temperature)


_lock = threading.Lock()
_loaded: dict[str, LoadedModel] = {}
_checked_at: dict[str, float] = {}
_missing_at: dict[str, float] = {}   # archs with no weights at all, remembered like a loaded model


def shipped_path(arch: str) -> Path:
    return Path(settings.WEIGHTS_DIR) / f"{arch}.npz"


def _shipped_metrics(path: Path) -> dict:
    metrics_file = path.with_suffix(".json")
    return json.loads(metrics_file.read_text()) if metrics_file.exists() else {}


def _meta_version(path: Path, arch: str) -> str:
    with np.load(path, allow_pickle=False) as f:
        meta = json.loads(str(f["meta"])) if "meta" in f.files else {}
    return meta.get("version", f"{arch}-1")


def register_shipped(arch: str) -> ModelVersion | None:
    """Records the shipped WEIGHTS_DIR/<arch>.npz as version 1, active if nothing else is. Idempotent."""
    path = shipped_path(arch)
    if not path.exists():
        return None
    version, _ = ModelVersion.objects.get_or_create(
        version=_meta_version(path, arch),
        defaults={"arch": arch, "file": path.name, "sha256": sha256_of(path), "metrics": _shipped_metrics(path)})
    try:
        with transaction.atomic():
            if not ModelVersion.objects.filter(arch=arch, is_active=True).exists():
                ModelVersion.objects.filter(pk=version.pk).update(is_active=True, activated_at=timezone.now())
    except IntegrityError:
        pass  # another process activated a version at the same moment; theirs stands
    return ModelVersion.objects.filter(arch=arch, is_active=True).first()


def active_version(arch: str) -> ModelVersion | None:
    """The version web processes serve for `arch`; on a fresh database, the shipped weights."""
    return ModelVersion.objects.filter(arch=arch, is_active=True).first() or register_shipped(arch)


def activate(version: ModelVersion) -> ModelVersion:
    """Makes `version` the served one for its arch, in one transaction. Rejected versions are never served."""
    if version.rejected:
        raise VersionError(f"{version.version} failed the promotion gate and is never served.")
    if not has_weights(version):
        raise VersionError(f"{version.version}: its weights are missing.")
    with transaction.atomic():
        ModelVersion.objects.filter(arch=version.arch, is_active=True).exclude(pk=version.pk).update(is_active=False)
        ModelVersion.objects.filter(pk=version.pk).update(is_active=True, activated_at=timezone.now())
    version.refresh_from_db()
    _missing_at.pop(version.arch, None)   # this process serves it at once; others within SERVING_CHECK_SECONDS
    return version


def rollback(arch: str) -> ModelVersion:
    """Serves the newest servable version older than the active one."""
    current = active_version(arch)
    if current is None:
        raise VersionError(f"No {arch} version is active.")
    previous = (ModelVersion.objects.filter(arch=arch, rejected=False, pk__lt=current.pk)
                .order_by("-pk").first())
    if previous is None:
        raise VersionError(f"{current.version} is the oldest {arch} version: there is nothing to roll back to.")
    return activate(previous)


def _follow_shipped_file(version: ModelVersion) -> ModelVersion:
    """The shipped file comes with the code, so a deploy may replace it. Rebuilt under the same version name, its
    row follows the file; holding another version (its meta says so), that version is registered and, when the
    replaced one was active, activated in its place. Returns the version to serve."""
    if version.in_database or version.file != shipped_path(version.arch).name or not version.path.exists():
        return version
    sha256 = sha256_of(version.path)
    if sha256 == version.sha256:
        return version
    name = _meta_version(version.path, version.arch)
    replacement, _ = ModelVersion.objects.update_or_create(    # a race to create it ends in a get, not an error
        version=name, defaults={"arch": version.arch, "file": version.file, "sha256": sha256,
                                "metrics": _shipped_metrics(version.path)})
    if replacement.pk == version.pk:
        return replacement
    log.info("the shipped %s file now holds %s (was %s)", version.arch, name, version.version)
    return activate(replacement) if version.is_active else version


def _loaded_model(arch: str, version: str, network: Sequential, meta: dict, metrics: dict) -> LoadedModel:
    return LoadedModel(arch=arch, version=version, network=network, metrics=metrics,
                       temperature=float(meta.get("temperature", 1.0)))


def _load_shipped(arch: str) -> LoadedModel:
    path = shipped_path(arch)
    try:
        network, meta = load(path)
        return _loaded_model(arch, meta.get("version", f"{arch}-1"), network, meta, _shipped_metrics(path))
    except (OSError, ValueError, KeyError) as exc:
        raise ModelUnavailable(f"no {arch} weights can be loaded from {path}: {exc}") from exc


def _refresh(arch: str, current: LoadedModel | None) -> LoadedModel:
    """Called under _lock: loads the active version if it is not the one `current` holds."""
    _checked_at[arch] = time.monotonic()
    try:
        active = active_version(arch)
    except Exception:  # whatever the database does, recognition keeps answering
        log.warning("could not ask the database for the active %s version", arch, exc_info=True)
        active = None
    if active is None:
        model = current or _load_shipped(arch)
    elif current is not None and current.version == active.version:
        return current
    else:
        try:
            active = _follow_shipped_file(active)
            network, meta = load_network(active)
            model = _loaded_model(arch, active.version, network, meta, active.metrics)
            log.info("serving %s (was %s)", model.version, current.version if current else "nothing")
        except (OSError, ValueError, KeyError, VersionError, DatabaseError):  # the file, or recording it
            log.exception("could not load %s; still serving %s", active.version,
                          current.version if current else "the shipped weights")
            model = current or _load_shipped(arch)
    _loaded[arch] = model
    return model


def get_model(arch: str | None = None) -> LoadedModel:
    """The model for `arch` (default SERVED_ARCH): the active version, rechecked every SERVING_CHECK_SECONDS."""
    arch = arch or settings.SERVED_ARCH
    model = _loaded.get(arch)
    if model is not None and time.monotonic() - _checked_at.get(arch, 0.0) < settings.SERVING_CHECK_SECONDS:
        return model
    if model is None:
        if time.monotonic() - _missing_at.get(arch, -float("inf")) < settings.SERVING_CHECK_SECONDS:
            raise ModelUnavailable(f"no {arch} weights (checked less than SERVING_CHECK_SECONDS ago)")
        with _lock:
            try:
                return _loaded.get(arch) or _refresh(arch, None)
            except ModelUnavailable:
                _missing_at[arch] = time.monotonic()
                raise
    if not _lock.acquire(blocking=False):
        return model  # another thread is checking or loading: keep answering with the current model
    try:
        return _refresh(arch, model)
    finally:
        _lock.release()


def available_archs() -> list[str]:
    """Archs with shipped weights or an active version."""
    found = {arch for arch in ARCHS if shipped_path(arch).exists()}
    try:
        found |= set(ModelVersion.objects.filter(is_active=True, arch__in=ARCHS).values_list("arch", flat=True))
    except Exception:  # the shipped files are enough to answer
        log.warning("could not list the active versions", exc_info=True)
    return sorted(found)


def forget_loaded_models() -> None:
    """Drops the per-process cache (tests point WEIGHTS_DIR elsewhere)."""
    with _lock:
        _loaded.clear()
        _checked_at.clear()
        _missing_at.clear()
