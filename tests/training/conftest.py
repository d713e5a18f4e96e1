"""Fixtures shared by the retraining tests."""
import pytest

from digitsite.background import wait_for_threads
from tests.training.retraining import TINY_SETTINGS, write_mnist


@pytest.fixture
def tiny_training(settings, tmp_path):
    """Training settings that run in seconds, no Redis, and a small MNIST written for the test."""
    for name, value in TINY_SETTINGS.items():
        setattr(settings, name, value)
    settings.REDIS_URL = None
    settings.DATA_DIR = tmp_path / "data"
    write_mnist(settings.DATA_DIR)


@pytest.fixture(autouse=True)
def no_run_outlives_its_test():
    """A run trained in a background thread of this process ends before the next test begins."""
    yield
    assert wait_for_threads(600), "a background thread still runs after 600 s"
