"""The served networks: loaded once per process from WEIGHTS_DIR, with the metrics shipped beside them."""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from django.conf import settings

from .nn.model import Sequential, load


@dataclass(frozen=True)
class LoadedModel:
    arch: str
    version: str
    path: Path
    network: Sequential
    metrics: dict = field(default_factory=dict)

    def predict_proba(self, images: np.ndarray) -> np.ndarray:
        return self.network.predict_proba(images)


_lock = threading.Lock()
_loaded: dict[str, LoadedModel] = {}


def _load(arch: str) -> LoadedModel:
    path = Path(settings.WEIGHTS_DIR) / f"{arch}.npz"
    network, meta = load(path)
    metrics_file = path.with_suffix(".json")
    metrics = json.loads(metrics_file.read_text()) if metrics_file.exists() else {}
    return LoadedModel(arch=arch, version=meta.get("version", f"{arch}-1"), path=path,
                       network=network, metrics=metrics)


def get_model(arch: str | None = None) -> LoadedModel:
    """The model for `arch` (default: SERVED_ARCH), loaded on first use and kept for the process."""
    arch = arch or settings.SERVED_ARCH
    model = _loaded.get(arch)
    if model is None:
        with _lock:
            model = _loaded.get(arch) or _load(arch)
            _loaded[arch] = model
    return model


def available_archs() -> list[str]:
    return sorted(p.stem for p in Path(settings.WEIGHTS_DIR).glob("*.npz") if p.stem in ("cnn", "mlp"))


def forget_loaded_models() -> None:
    """Drops the per-process cache (tests point WEIGHTS_DIR elsewhere)."""
    with _lock:
        _loaded.clear()
