"""A retraining run: what was asked, where it is, what it measured and why it ended as it did."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from recognizer.models import ARCH_CHOICES, ModelVersion


class RunQuerySet(models.QuerySet):
    def finish(self, run_id: int, status: str, *, reason: str, error: str = "", only_if=("running",), where: Q = Q(),
               **fields) -> bool:
        """Ends run `run_id` with `status` if it is still in one of `only_if` and `where` holds; True if it did."""
        return bool(self.filter(where, pk=run_id, status__in=only_if).update(
            status=status, reason=reason[:2000], error=error, finished_at=timezone.now(), **fields))


class TrainingRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        SUCCEEDED = "succeeded"
        REJECTED = "rejected"
        FAILED = "failed"

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule"
        ADMIN = "admin"
        COMMAND = "command"

    arch = models.CharField(max_length=16, choices=ARCH_CHOICES)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED, db_index=True)
    trigger = models.CharField(max_length=16, choices=Trigger.choices)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    executor = models.CharField(max_length=16, help_text="celery (a worker), thread or inline (no Redis)")
    options = models.JSONField(default=dict, blank=True, help_text="epochs, from_scratch, seed, learning rate")

    base_version = models.ForeignKey(ModelVersion, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", help_text="the active version when the run started")
    candidate = models.ForeignKey(ModelVersion, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="runs", help_text="the version this run trained")

    mnist_train_count = models.PositiveIntegerField(null=True, blank=True)
    drawing_train_count = models.PositiveIntegerField(null=True, blank=True)
    holdout_count = models.PositiveIntegerField(null=True, blank=True)

    progress = models.JSONField(default=dict, blank=True, help_text="where training is: step, steps, loss")
    curve = models.JSONField(default=list, blank=True, help_text="training loss and accuracy as it went")
    metrics_before = models.JSONField(default=dict, blank=True, help_text="the active model on the test data")
    metrics_after = models.JSONField(default=dict, blank=True, help_text="the candidate on the same data")
    reason = models.TextField(blank=True, help_text="one line: why it was promoted, rejected or failed")
    error = models.TextField(blank=True, help_text="the traceback of a failed run")

    worker = models.CharField(max_length=255, blank=True, help_text="the Celery node (or process) running it")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = RunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("trigger_retrain", "Can start a retraining run")]

    def __str__(self) -> str:
        return f"run {self.pk} ({self.arch}, {self.status})"

    IN_PROGRESS = (Status.QUEUED, Status.RUNNING)

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.REJECTED, self.Status.FAILED)

    @property
    def duration_seconds(self) -> float | None:
        if not self.started_at:
            return None
        return ((self.finished_at or self.heartbeat_at or self.started_at) - self.started_at).total_seconds()

    def summary(self) -> str:
        """`run <id>: <status> <reason>`, the line the retrain command ends with."""
        return f"run {self.pk}: {self.status} {self.reason}"
