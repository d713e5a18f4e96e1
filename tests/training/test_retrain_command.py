"""`manage.py retrain` without Redis (trains in the foreground) and `manage.py setup_schedules`."""
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django_celery_beat.models import PeriodicTask

from recognizer.models import ModelVersion
from tests.training.retraining import install_shipped, write_mnist
from training.models import TrainingRun
from support.services import free_port

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tiny_training")]


def retrain(*args) -> list[str]:
    out = io.StringIO()
    call_command("retrain", *args, stdout=out)
    return out.getvalue().splitlines()


def test_without_redis_it_trains_in_the_foreground_and_ends_with_the_run_line(settings):
    install_shipped(settings.WEIGHTS_DIR)
    lines = retrain("--arch", "mlp", "--epochs", "2", "--wait")
    run = TrainingRun.objects.get()
    assert lines[0] == f"run {run.pk}: REDIS_URL is not set, so there is no Celery worker: training in this process."
    assert any(line.startswith(f"run {run.pk} [") and "epoch 2/2" in line for line in lines)
    assert lines[-1] == f"run {run.pk}: succeeded {run.reason}"
    assert run.reason.startswith("promoted mlp-2: MNIST test ")
    assert run.trigger == "command" and run.executor == "inline" and run.options["epochs"] == 2
    assert ModelVersion.objects.get(is_active=True).version == "mlp-2"


def test_a_rejected_run_says_why_on_its_last_line(settings):
    install_shipped(settings.WEIGHTS_DIR, trained=True)
    write_mnist(settings.DATA_DIR, shuffle_labels=True)
    lines = retrain("--arch", "mlp", "--wait")
    run = TrainingRun.objects.get()
    assert lines[-1] == f"run {run.pk}: rejected {run.reason}"
    assert run.reason.startswith("rejected by the MNIST rule: MNIST test ")


def test_a_failed_run_exits_non_zero_after_its_run_line(settings):
    (settings.WEIGHTS_DIR / "mlp.npz").unlink(missing_ok=True)
    out = io.StringIO()
    with pytest.raises(CommandError, match="failed") as error:
        call_command("retrain", "--arch", "mlp", stdout=out)
    assert error.value.returncode == 1
    run = TrainingRun.objects.get()
    assert out.getvalue().splitlines()[-1] == f"run {run.pk}: failed {run.reason}"


def test_it_refuses_to_start_a_second_run_while_one_is_going(settings):
    running = TrainingRun.objects.create(arch="cnn", trigger="schedule", executor="celery", status="running",
                                         worker="celery@elsewhere")
    with pytest.raises(CommandError, match=f"Run {running.pk} \\(cnn\\) is running: one training run at a time"):
        retrain("--arch", "mlp")
    assert TrainingRun.objects.count() == 1


def test_setup_schedules_creates_the_nightly_jobs_once_and_leaves_admin_edits_alone(settings):
    out = io.StringIO()
    call_command("setup_schedules", stdout=out)
    task = PeriodicTask.objects.get(task="training.tasks.scheduled_retrain")
    assert task.enabled and json.loads(task.kwargs) == {"arch": settings.RETRAIN_SCHEDULE_ARCH}
    assert (task.crontab.minute, task.crontab.hour, task.crontab.day_of_week) == ("30", "3", "*")
    purge = PeriodicTask.objects.get(task="submissions.tasks.purge_expired_drawings")
    assert purge.enabled and (purge.crontab.minute, purge.crontab.hour) == ("15", "3")
    task.crontab.hour = "4"
    task.crontab.save()
    call_command("setup_schedules", stdout=out)
    assert PeriodicTask.objects.count() == 2
    assert PeriodicTask.objects.get(task="training.tasks.scheduled_retrain").crontab.hour == "4"
    assert out.getvalue().splitlines()[-2:] == ["'Retrain the cnn' exists (30 4 * * * (m/h/dM/MY/d) UTC, enabled): "
                                                "left as it is", "'Delete drawings past retention' exists "
                                                "(15 3 * * * (m/h/dM/MY/d) UTC, enabled): left as it is"]


def test_with_redis_configured_but_down_it_exits_with_a_clear_message(settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"
    with pytest.raises(CommandError, match=f"Redis does not answer \\(ConnectionError\\), "
                                           "so the retrain cannot be queued"):
        retrain("--arch", "mlp")
    assert TrainingRun.objects.count() == 0
