"""Fixtures shared by the retraining tests."""
import pytest

from tests.training.retraining import TINY_SETTINGS, write_mnist


@pytest.fixture
def tiny_training(settings, tmp_path):
    """Training settings that run in seconds, no Redis, and a small MNIST written for the test."""
    for name, value in TINY_SETTINGS.items():
        setattr(settings, name, value)
    settings.REDIS_URL = None
    settings.DATA_DIR = tmp_path / "data"
    write_mnist(settings.DATA_DIR)
