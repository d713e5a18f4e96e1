"""python manage.py setup_schedules: the site's nightly jobs in django-celery-beat, created once, then left to the admin."""
import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from training.tasks import SCHEDULED_TASK

PURGE_TASK = "submissions.tasks.purge_expired_drawings"


def schedules() -> list[dict]:
    """What runs every night: the retrain (RETRAIN_SCHEDULE_CRONTAB) and the retention purge (DRAWING_PURGE_CRONTAB)."""
    arch = settings.RETRAIN_SCHEDULE_ARCH
    return [
        {"name": f"Retrain the {arch}", "task": SCHEDULED_TASK, "setting": "RETRAIN_SCHEDULE_CRONTAB",
         "kwargs": {"arch": arch}, "description": "Fine-tunes the served network on MNIST plus labelled drawings; "
                                                  "the new model is served only if it passes the gate."},
        {"name": "Delete drawings past retention", "task": PURGE_TASK, "setting": "DRAWING_PURGE_CRONTAB",
         "kwargs": {}, "description": "Deletes drawings older than DRAWING_RETENTION_DAYS that no staff member "
                                      "labelled, with their labels and files."},
    ]


class Command(BaseCommand):
    help = ("Creates the nightly retrain (RETRAIN_SCHEDULE_CRONTAB, UTC) and the retention purge "
            "(DRAWING_PURGE_CRONTAB, UTC) unless they exist; edit them in the admin.")

    def handle(self, *args, **options):
        for job in schedules():
            self.ensure(**job)

    def ensure(self, *, name: str, task: str, setting: str, kwargs: dict, description: str) -> None:
        crontab = getattr(settings, setting)
        fields = crontab.split()
        if len(fields) != 5:
            raise CommandError(f"{setting} must have five fields (minute hour day month weekday), not {crontab!r}")
        existing = PeriodicTask.objects.filter(name=name).first()
        if existing is not None:
            self.stdout.write(f"{name!r} exists ({existing.crontab or existing.interval}, "
                              f"{'enabled' if existing.enabled else 'disabled'}): left as it is")
            return
        minute, hour, day_of_month, month_of_year, day_of_week = fields
        schedule, _ = CrontabSchedule.objects.get_or_create(
            minute=minute, hour=hour, day_of_month=day_of_month, month_of_year=month_of_year,
            day_of_week=day_of_week, timezone="UTC")
        PeriodicTask.objects.create(name=name, task=task, crontab=schedule, kwargs=json.dumps(kwargs),
                                    description=description)
        self.stdout.write(f"created {name!r}: {schedule} UTC")
