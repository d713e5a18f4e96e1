"""A throwaway copy of WEIGHTS_DIR without one helper network's file, for the benches that measure the site with
and without it (the digit check, the operator reader)."""
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.test.utils import override_settings

from recognizer import serving


@contextmanager
def weights_without(name: str) -> Iterator[Callable[[Path], None]]:
    """Serves every weights file of WEIGHTS_DIR but `name` from a temporary folder; what it yields installs a
    given file there as `name` (served from the next request on: helper networks reload when their file changes)."""
    with tempfile.TemporaryDirectory() as tmp:
        for f in Path(settings.WEIGHTS_DIR).glob("*.npz"):
            if f.name != name:
                shutil.copy(f, tmp)
        with override_settings(WEIGHTS_DIR=Path(tmp)):
            serving.forget_loaded_models()
            yield lambda source: shutil.copy(source, Path(tmp) / name)
