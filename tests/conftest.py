"""Shared fixtures: a temporary weights and media folder for every test, an API client, real services."""
import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")    # as in web workers; the suite's networks are small

import shutil  # noqa: E402
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from digitsite.background import wait_for_threads
from facts.services import forget_known_facts
from recognizer import serving
from support import services

SHIPPED_WEIGHTS = Path(__file__).resolve().parent.parent / "weights"


def pytest_addoption(parser):
    parser.addoption("--run-slow", action="store_true", help="also run the slow training tests")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--run-slow"):
        return
    skip = pytest.mark.skip(reason="slow training run: use --run-slow (make test-all)")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def isolated_files(settings, tmp_path):
    """Every test gets its own copy of the shipped weights, its own model cache and its own media folder."""
    weights = tmp_path / "weights"
    weights.mkdir()
    for f in SHIPPED_WEIGHTS.glob("*.*"):
        shutil.copy(f, weights / f.name)
    settings.WEIGHTS_DIR = weights
    settings.MODEL_CACHE_DIR = tmp_path / "model_cache"
    settings.MEDIA_ROOT = tmp_path / "media"
    serving.forget_loaded_models()
    forget_known_facts()
    yield
    serving.forget_loaded_models()
    forget_known_facts()


@pytest.fixture(autouse=True)
def no_background_work_outlives_its_test():
    """Work started on a background thread of this process (a retraining run, a fact stored late) ends before the
    next test begins."""
    yield
    assert wait_for_threads(600), "a background thread still runs after 600 s"


@pytest.fixture
def api_client():
    return APIClient()


def missing_service(what: str):
    """Skips with the reason on a user's machine; fails under CI (REQUIRE_SERVICES=true)."""
    if services.services_required():
        pytest.fail(f"{what} is required here (REQUIRE_SERVICES=true) but is not available")
    pytest.skip(f"{what} is not available on this machine")


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """A real Redis: REDIS_URL, else the local default, else a redis-server we start on a free port."""
    url = services.find_redis_url()
    if url:
        yield url
        return
    started = services.start_redis_server(tmp_path_factory.mktemp("redis"))
    if not started:
        missing_service("Redis (redis-server)")
    proc, url = started
    yield url
    proc.terminate()
    proc.wait(5)


@pytest.fixture
def own_redis(request, tmp_path):
    """A Redis of our own for one test, so the workers it starts meet no other test's tasks; else the shared one."""
    started = services.start_redis_server(tmp_path)
    if started is None:
        yield request.getfixturevalue("redis_url")
        return
    proc, url = started
    yield url
    proc.terminate()
    proc.wait(5)


@pytest.fixture(scope="session")
def chromium():
    path = services.chromium_path()
    if not path:
        missing_service("Chromium (/usr/bin/chromium)")
    return path
