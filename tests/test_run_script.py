"""scripts/run.py (`make run`): what it prints about Redis never shows a password."""
import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "run.py"


@pytest.fixture(scope="module")
def run_script():
    spec = importlib.util.spec_from_file_location("run_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("url,shown", [
    ("redis://:s3cret@cache.internal:6379/0", "redis://:***@cache.internal:6379/0"),
    ("redis://app:s3cret@cache.internal/1", "redis://app:***@cache.internal/1"),
    ("redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/0"),
])
def test_a_redis_password_is_never_printed(run_script, url, shown):
    assert run_script.without_password(url) == shown
