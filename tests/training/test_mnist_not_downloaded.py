"""Before MNIST is downloaded: the admin says so instead of offering a run that would fail, a manual request is
refused with that message, and the nightly run logs and waits for the next night."""
import logging

import pytest
from django.contrib.auth.models import Permission, User
from django.contrib.messages import get_messages

from digitsite.domain import Unavailable
from tests.training.retraining import install_shipped, write_mnist
from training.models import TrainingRun
from training.runs import retrain_request
from training.tasks import scheduled_retrain

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tiny_training")]
MESSAGE = ("MNIST is not downloaded yet: retraining needs it (`python manage.py fetch_mnist`; `make run` fetches it "
           "in the background on a first run).")


@pytest.fixture(autouse=True)
def no_mnist(tiny_training, settings):
    install_shipped(settings.WEIGHTS_DIR)
    (settings.DATA_DIR / "mnist.npz").unlink()


@pytest.fixture
def trainer(client):
    user = User.objects.create_user("trainer", is_staff=True)
    for codename in ("view_trainingrun", "trigger_retrain"):
        user.user_permissions.add(Permission.objects.get(content_type__app_label="training", codename=codename))
    client.force_login(user)
    return client


def test_the_runs_admin_says_mnist_is_not_downloaded_yet_instead_of_offering_retrain_now(trainer):
    page = trainer.get("/admin/training/trainingrun/").content.decode()
    assert "MNIST is not downloaded yet" in page and "python manage.py fetch_mnist" in page
    assert "Retrain now" not in page


def test_a_manual_request_is_refused_with_a_clear_message_and_records_no_run(trainer):
    with pytest.raises(Unavailable) as refused:
        retrain_request(arch="mlp", trigger=TrainingRun.Trigger.COMMAND, foreground=True)
    assert (refused.value.code, refused.value.message) == ("mnist_missing", MESSAGE)
    response = trainer.post("/admin/training/trainingrun/retrain/", {"arch": "mlp"})
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [MESSAGE]
    assert TrainingRun.objects.count() == 0


def test_the_scheduled_run_logs_and_skips_until_mnist_is_there(caplog, settings):
    with caplog.at_level(logging.WARNING, logger="training.tasks"):
        assert scheduled_retrain("mlp") == "skipped"
    assert f"scheduled retrain skipped until the next one: {MESSAGE}" in caplog.messages
    assert TrainingRun.objects.count() == 0
    write_mnist(settings.DATA_DIR)
    assert scheduled_retrain("mlp").startswith("run ")
