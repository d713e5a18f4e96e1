"""python manage.py retrain --arch cnn [--epochs N] [--from-scratch] [--wait]"""
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from digitsite.domain import DomainError
from digitsite.progress import ProgressBar
from recognizer import serving
from training.models import TrainingRun
from training.runs import execute_run, retrain_request

POLL_SECONDS = 0.5
NO_WORKER_HINT_SECONDS = 15


class Command(BaseCommand):
    help = ("Retrain a network on MNIST plus labelled drawings and promote it if it passes the gate. Queues a run "
            "for a Celery worker (with --wait, follows it); without REDIS_URL it trains in this process. The last "
            "line is `run <id>: <status> <reason>`.")

    def add_arguments(self, parser):
        parser.add_argument("--arch", choices=serving.ARCHS, default="cnn")
        parser.add_argument("--epochs", type=int, default=None,
                            help=f"epochs (default RETRAIN_EPOCHS, now {settings.RETRAIN_EPOCHS}): in one, every "
                                 "labelled drawing is seen RETRAIN_VARIANTS times; from scratch, one pass over MNIST")
        parser.add_argument("--from-scratch", action="store_true",
                            help="start from fresh weights instead of the active version's")
        parser.add_argument("--wait", action="store_true", help="follow the queued run until it ends")

    def handle(self, *args, arch, epochs, from_scratch, wait, **options):
        try:
            run = retrain_request(arch=arch, trigger=TrainingRun.Trigger.COMMAND, epochs=epochs,
                                  from_scratch=from_scratch, foreground=True)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.bar = None
        self.phase = None
        if run.executor == "inline":
            self.stdout.write(f"run {run.pk}: REDIS_URL is not set, so there is no Celery worker: "
                              "training in this process.")
            run = execute_run(run_id=run.pk, on_progress=self.show)
        else:
            if not wait:
                self.stdout.write(f"run {run.pk}: {run.status} for a Celery worker (see the admin's training runs)")
                return
            self.stdout.write(f"run {run.pk} is queued for a Celery worker.")
            run = self.follow(run)
        if self.bar is not None:
            self.bar.close()
        self.stdout.write(run.summary())
        if run.status == TrainingRun.Status.FAILED:
            raise CommandError(f"run {run.pk} failed", returncode=1)

    def follow(self, run: TrainingRun) -> TrainingRun:
        waited = time.monotonic()
        hinted = False
        while not run.finished:
            time.sleep(POLL_SECONDS)
            run.refresh_from_db()
            if run.status == TrainingRun.Status.QUEUED and not hinted \
                    and time.monotonic() - waited > NO_WORKER_HINT_SECONDS:
                self.stdout.write("still queued: is a Celery worker running? (`make run` starts one)")
                hinted = True
            self.show(run)
        return run

    def show(self, run: TrainingRun) -> None:
        p = run.progress
        if "steps" in p:
            if self.bar is None:
                self.bar = ProgressBar(p["steps"], stream=self.stdout, label=f"run {run.pk} ")
            self.bar.update(p["step"], f"epoch {p['epoch']}/{p['epochs']} loss {p['loss']:.4f} "
                                       f"acc {p['accuracy']:.4f} {p['images_per_s']} img/s")
        phase = p.get("phase")
        if phase and phase != self.phase and phase not in ("training", "done"):
            if self.bar is not None:
                self.bar.close()
            self.stdout.write(f"run {run.pk}: {phase}")
        self.phase = phase
