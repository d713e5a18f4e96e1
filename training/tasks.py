"""Celery tasks of retraining: thin wrappers around training.runs that take ids."""
import logging

from celery import shared_task
from celery.signals import task_failure
from django.conf import settings

from .data import MNIST_MISSING, mnist_ready
from .locks import Busy
from .models import TrainingRun
from .runs import RUN_TASK, execute_run, fail_run, retrain_request

log = logging.getLogger(__name__)
SCHEDULED_TASK = "training.tasks.scheduled_retrain"


@shared_task(bind=True, name=RUN_TASK, acks_late=True)
def run_training(self, run_id: int) -> str:
    """Trains run `run_id` if it is still queued; a second delivery of the same run does nothing."""
    return execute_run(run_id=run_id, worker=self.request.hostname or "").status


@shared_task(name=SCHEDULED_TASK)
def scheduled_retrain(arch: str | None = None) -> str:
    """The periodic retrain (django-celery-beat): requests a run unless one is already going or MNIST is not
    downloaded yet (then the next night tries again)."""
    if not mnist_ready():
        log.warning("scheduled retrain skipped until the next one: %s", MNIST_MISSING)
        return "skipped"
    try:
        run = retrain_request(arch=arch or settings.RETRAIN_SCHEDULE_ARCH, trigger=TrainingRun.Trigger.SCHEDULE)
    except Busy as exc:
        log.info("scheduled retrain skipped: %s", exc)
        return "skipped"
    return f"run {run.pk} queued"


@task_failure.connect
def fail_run_whose_process_was_lost(sender=None, args=None, kwargs=None, exception=None, **_):
    """The pool process died under the task (killed, out of memory, hard time limit): the run failed."""
    run_id = (kwargs or {}).get("run_id") or (args[0] if args else None)
    if getattr(sender, "name", None) == RUN_TASK and run_id is not None:
        fail_run(run_id, reason=f"the worker process was lost during training ({type(exception).__name__}); "
                                "the served model is unchanged")
