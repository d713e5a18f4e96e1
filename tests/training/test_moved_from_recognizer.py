"""A database made before training was an app of its own keeps every run, its fields, staff's permissions on runs
and the nightly schedule when it migrates."""
from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from recognizer.models import ModelVersion
from training.models import TrainingRun

BEFORE = [("recognizer", "0001_initial"), ("training", None)]
STARTED = datetime(2026, 11, 30, 21, 0, 5, tzinfo=UTC)
OLD_RUN = {"arch": "cnn", "status": "rejected", "trigger": "schedule", "executor": "celery", "worker": "celery@a",
           "options": {"epochs": 1, "from_scratch": False, "seed": 0, "batch_size": 128, "lr": 0.0002},
           "mnist_train_count": 60000, "drawing_train_count": 32, "holdout_count": 8,
           "progress": {"phase": "done", "step": 469, "steps": 469}, "curve": [{"epoch": 1.0, "loss": 0.1,
                                                                                "accuracy": 0.97}],
           "metrics_before": {"mnist_test_accuracy": 0.9944}, "metrics_after": {"mnist_test_accuracy": 0.99},
           "reason": "MNIST test accuracy 0.9900 is more than 0.1 point below the active model's 0.9944",
           "started_at": STARTED, "heartbeat_at": STARTED, "finished_at": STARTED}


def migrate_to(targets):
    """Migrates the test database to `targets`; returns the historical models of that state."""
    MigrationExecutor(connection).migrate(targets)
    loader = MigrationExecutor(connection).loader
    return loader.project_state(list(loader.applied_migrations)).apps


@pytest.mark.django_db(transaction=True)
def test_runs_permissions_and_the_schedule_survive_the_move_to_the_training_app():
    old = migrate_to(BEFORE)
    try:
        assert "recognizer_trainingrun" in connection.introspection.table_names()
        version = old.get_model("recognizer", "ModelVersion").objects.create(
            arch="cnn", version="cnn-2", file="cnn-2.npz", sha256="0" * 64, rejected=True)
        staff = old.get_model("auth", "User").objects.create(username="reviewer", is_staff=True)
        run = old.get_model("recognizer", "TrainingRun").objects.create(
            **OLD_RUN, requested_by=staff, candidate=version, base_version=None)
        content_type, _ = old.get_model("contenttypes", "ContentType").objects.get_or_create(
            app_label="recognizer", model="trainingrun")
        permission, _ = old.get_model("auth", "Permission").objects.get_or_create(
            content_type=content_type, codename="trigger_retrain", defaults={"name": "Can start a retraining run"})
        staff.user_permissions.add(permission)
        schedule = old.get_model("django_celery_beat", "CrontabSchedule").objects.create(minute="30", hour="3")
        old.get_model("django_celery_beat", "PeriodicTask").objects.create(
            name="Retrain the cnn", task="recognizer.scheduled_retrain", crontab=schedule, kwargs='{"arch": "cnn"}')
    finally:
        migrate_to(MigrationExecutor(connection).loader.graph.leaf_nodes())
        ContentType.objects.clear_cache()

    tables = connection.introspection.table_names()
    assert "training_trainingrun" in tables and "recognizer_trainingrun" not in tables
    moved = TrainingRun.objects.get(pk=run.pk)
    assert {field: getattr(moved, field) for field in OLD_RUN} == OLD_RUN
    assert moved.requested_by.username == "reviewer" and moved.candidate == ModelVersion.objects.get(pk=version.pk)
    assert moved.created_at == run.created_at and moved.summary().startswith(f"run {run.pk}: rejected MNIST test")
    assert list(ModelVersion.objects.get(pk=version.pk).runs.all()) == [moved]
    assert ContentType.objects.get_for_model(TrainingRun).pk == content_type.pk
    assert not ContentType.objects.filter(app_label="recognizer", model="trainingrun").exists()
    assert User.objects.get(pk=staff.pk).has_perm("training.trigger_retrain")
    from django_celery_beat.models import PeriodicTask
    assert PeriodicTask.objects.get(name="Retrain the cnn").task == "training.tasks.scheduled_retrain"
