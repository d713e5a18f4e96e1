"""Celery tasks of the recognizer: thin wrappers around recognizer.training that take ids."""
import logging

from celery import shared_task
from celery.signals import task_failure
from django.conf import settings

from . import training
from .models import TrainingRun

log = logging.getLogger(__name__)


@shared_task(bind=True, name=training.RUN_TASK, acks_late=True)
def run_training(self, run_id: int) -> str:
    """Trains run `run_id` if it is still queued; a second delivery of the same run does nothing."""
    return training.execute_run(run_id=run_id, worker=self.request.hostname or "").status


@shared_task(name="recognizer.scheduled_retrain")
def scheduled_retrain(arch: str | None = None) -> str:
    """The periodic retrain (django-celery-beat): requests a run unless one is already going."""
    try:
        run = training.retrain_request(arch=arch or settings.RETRAIN_SCHEDULE_ARCH,
                                       trigger=TrainingRun.Trigger.SCHEDULE)
    except training.RetrainBusy as exc:
        log.info("scheduled retrain skipped: %s", exc)
        return "skipped"
    return f"run {run.pk} queued"


@task_failure.connect
def fail_run_whose_process_was_lost(sender=None, args=None, exception=None, **kwargs):
    """The pool process died under the task (killed, out of memory, hard time limit): the run failed."""
    if getattr(sender, "name", None) == training.RUN_TASK and args:
        training.fail_run(args[0], reason=f"the worker process was lost during training "
                                           f"({type(exception).__name__}); the served model is unchanged")
