"""A helper network served from one file in WEIGHTS_DIR (the digit check; the operator reader is a served version,
see operators.py): loaded once per process and again when the file changes; None while there is no file."""
from __future__ import annotations

import threading
from pathlib import Path

from django.conf import settings

from .nn.model import Sequential, load


class WeightsFile:
    def __init__(self, name: str):
        self.name = name
        self._lock = threading.Lock()
        self._key: tuple[str, float] | None = None
        self._loaded: tuple[Sequential, dict] | None = None

    def get(self) -> tuple[Sequential, dict] | None:
        """The network and its meta, or None without the file."""
        path = Path(settings.WEIGHTS_DIR) / self.name
        try:
            key = (str(path), path.stat().st_mtime)
        except OSError:
            return None
        with self._lock:
            if key != self._key:
                self._loaded, self._key = load(path), key
            return self._loaded
