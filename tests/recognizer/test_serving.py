"""recognizer.serving: the shipped weights as version 1, activation and rollback, hot swap without a restart."""
import threading
import time

import numpy as np
import pytest
from django.db import IntegrityError, connection

from digitsite.hashing import sha256_of_bytes
from recognizer import serving, weights_store
from recognizer.models import ModelVersion
from support.drawings import data_url, drawing
from tests.training.retraining import install_shipped, tiny_network

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def tiny_mlp(settings):
    settings.SERVED_ARCH = "mlp"
    settings.SERVING_CHECK_SECONDS = 0.3
    install_shipped(settings.WEIGHTS_DIR)


def add_version(settings, version: str, *, rejected: bool = False, seed: int = 1) -> ModelVersion:
    """A version trained here: its weights in its database row, as a retraining run stores them."""
    return weights_store.store_version(tiny_network(seed=seed), arch="mlp", version=version,
                                       meta={"version": version}, rejected=rejected)


def test_the_shipped_weights_are_registered_once_as_version_1_and_served(settings):
    assert serving.get_model().version == "mlp-1"
    serving.forget_loaded_models()
    assert serving.get_model().version == "mlp-1"
    (shipped,) = ModelVersion.objects.filter(arch="mlp")
    assert shipped.version == "mlp-1" and shipped.is_active and shipped.file == "mlp.npz"
    assert shipped.sha256 == serving.sha256_of(settings.WEIGHTS_DIR / "mlp.npz")
    assert serving.register_shipped("mlp") == shipped and ModelVersion.objects.count() == 1


def test_a_promoted_version_is_served_after_the_check_interval_without_a_restart(settings):
    assert serving.get_model().version == "mlp-1"
    serving.activate(add_version(settings, "mlp-2"))
    assert serving.get_model().version == "mlp-1"  # checked less than SERVING_CHECK_SECONDS ago
    time.sleep(0.35)
    assert serving.get_model().version == "mlp-2"


@pytest.mark.django_db(transaction=True)  # the loading thread has its own connection: it must see the rows
def test_requests_keep_the_old_model_while_the_new_one_loads(settings, monkeypatch):
    old = serving.get_model()
    serving.activate(add_version(settings, "mlp-2"))
    loading, release = threading.Event(), threading.Event()
    real_load = serving.load_network

    def slow_load(version):
        loading.set()
        release.wait(10)
        return real_load(version)
    monkeypatch.setattr(serving, "load_network", slow_load)
    time.sleep(0.35)
    swapped = []

    def load_in_a_thread():
        swapped.append(serving.get_model())
        connection.close()
    loader = threading.Thread(target=load_in_a_thread)
    loader.start()
    assert loading.wait(10)
    started = time.perf_counter()
    assert serving.get_model() is old  # answered at once, with the whole old model
    assert time.perf_counter() - started < 0.1
    release.set()
    loader.join(10)
    assert swapped[0].version == "mlp-2"
    assert serving.get_model() is swapped[0]


def test_weights_that_do_not_match_their_sha256_are_not_served(settings):
    serving.get_model()
    version = add_version(settings, "mlp-2")
    raw = bytes(ModelVersion.objects.filter(pk=version.pk).values_list("weights", flat=True).get())
    ModelVersion.objects.filter(pk=version.pk).update(weights=raw[:-10] + b"0123456789")
    serving.activate(version)
    time.sleep(0.35)
    assert serving.get_model().version == "mlp-1"


def test_a_corrupted_cached_copy_is_read_again_from_the_database(settings):
    version = add_version(settings, "mlp-2")
    network, _ = weights_store.load_network(version)
    cached = weights_store.cached_path(version)
    assert cached.read_bytes() == network.to_bytes({"version": "mlp-2"})
    cached.write_bytes(b"half a file")
    serving.activate(version)
    time.sleep(0.35)
    assert serving.get_model().version == "mlp-2"
    assert sha256_of_bytes(cached.read_bytes()) == version.sha256


def test_activation_flips_the_active_flag_and_rollback_walks_back(settings):
    serving.get_model()
    v2, v3 = add_version(settings, "mlp-2"), add_version(settings, "mlp-3")
    add_version(settings, "mlp-4", rejected=True)
    serving.activate(v3)
    assert list(ModelVersion.objects.filter(is_active=True).values_list("version", flat=True)) == ["mlp-3"]
    assert serving.rollback("mlp") == v2
    assert serving.rollback("mlp").version == "mlp-1"
    with pytest.raises(serving.VersionError, match="mlp-1 is the oldest mlp version"):
        serving.rollback("mlp")
    assert ModelVersion.objects.get(is_active=True).version == "mlp-1"


def test_the_database_refuses_two_active_versions_of_one_arch(settings):
    serving.get_model()
    with pytest.raises(IntegrityError):
        ModelVersion.objects.create(arch="mlp", version="mlp-2", file="x.npz", sha256="0", is_active=True)


def test_a_version_whose_weights_are_missing_cannot_be_activated(settings):
    version = add_version(settings, "mlp-2")
    ModelVersion.objects.filter(pk=version.pk).update(weights=None)
    with pytest.raises(serving.VersionError, match="mlp-2: its weights are missing"):
        serving.activate(version)
    shipped = serving.register_shipped("mlp")
    shipped.path.unlink()
    with pytest.raises(serving.VersionError, match="mlp-1: its weights are missing"):
        serving.activate(shipped)


def test_health_and_recognition_report_the_served_version(settings, api_client):
    serving.activate(add_version(settings, "mlp-2"))
    assert api_client.get("/healthz").json()["model"] == "mlp-2"
    response = api_client.post("/api/recognize/", {"image": data_url(drawing("7"))}, format="json")
    assert response.status_code == 201
    assert response.json()["model"] == {"arch": "mlp", "version": "mlp-2"}


def deploy_shipped(settings, version: str):
    """Replaces the shipped mlp file as a deploy does (and restarts the web processes); returns the network."""
    assert serving.get_model().version == "mlp-1"
    replacement = tiny_network(seed=9)
    replacement.save(settings.WEIGHTS_DIR / "mlp.npz", meta={"version": version})
    serving.forget_loaded_models()
    return replacement


def reads_as(served, network) -> bool:
    probe = np.random.default_rng(0).random((4, 28, 28)).astype(np.float32)
    return np.allclose(served.predict_proba(probe), network.predict_proba(probe))


def test_shipped_weights_replaced_by_a_deploy_are_served_and_their_record_follows(settings):
    replacement = deploy_shipped(settings, "mlp-1")
    assert reads_as(serving.get_model(), replacement)
    assert ModelVersion.objects.get(version="mlp-1").sha256 == serving.sha256_of(settings.WEIGHTS_DIR / "mlp.npz")


def test_a_deploy_that_ships_another_version_registers_it_and_serves_it_under_its_own_name(settings):
    replacement = deploy_shipped(settings, "mlp-7")

    served = serving.get_model()

    assert served.version == "mlp-7" and reads_as(served, replacement)
    shipped = ModelVersion.objects.get(version="mlp-7")
    assert shipped.is_active and shipped.file == "mlp.npz"
    assert shipped.sha256 == serving.sha256_of(settings.WEIGHTS_DIR / "mlp.npz")
    assert not ModelVersion.objects.get(version="mlp-1").is_active


def test_an_arch_without_weights_is_asked_for_once_per_check_interval_not_once_per_request(settings,
                                                                                           django_assert_num_queries):
    (settings.WEIGHTS_DIR / "cnn.npz").unlink()  # cnn now has neither a shipped file nor a version
    serving.get_model()
    with pytest.raises(serving.ModelUnavailable):
        serving.get_model("cnn")
    with django_assert_num_queries(0):
        for _ in range(5):
            with pytest.raises(serving.ModelUnavailable):
                serving.get_model("cnn")
    time.sleep(0.35)
    with django_assert_num_queries(1):
        with pytest.raises(serving.ModelUnavailable):
            serving.get_model("cnn")


def test_an_arch_activated_in_this_process_is_served_at_once_even_after_it_was_missing(settings):
    (settings.WEIGHTS_DIR / "cnn.npz").unlink()
    with pytest.raises(serving.ModelUnavailable):
        serving.get_model("cnn")
    version = weights_store.store_version(tiny_network(seed=2), arch="cnn", version="cnn-7", meta={"version": "cnn-7"})
    serving.activate(version)
    assert serving.get_model("cnn").version == "cnn-7"
