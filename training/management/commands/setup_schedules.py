"""python manage.py setup_schedules: the nightly retrain in django-celery-beat, created once, then left to the admin."""
import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from training.tasks import SCHEDULED_TASK


class Command(BaseCommand):
    help = "Creates the periodic retrain (RETRAIN_SCHEDULE_CRONTAB, UTC) unless it exists; edit it in the admin."

    def handle(self, *args, **options):
        arch = settings.RETRAIN_SCHEDULE_ARCH
        fields = settings.RETRAIN_SCHEDULE_CRONTAB.split()
        if len(fields) != 5:
            raise CommandError(f"RETRAIN_SCHEDULE_CRONTAB must have five fields (minute hour day month weekday), "
                               f"not {settings.RETRAIN_SCHEDULE_CRONTAB!r}")
        name = f"Retrain the {arch}"
        task = PeriodicTask.objects.filter(name=name).first()
        if task is not None:
            self.stdout.write(f"{name!r} exists ({task.crontab or task.interval}, "
                              f"{'enabled' if task.enabled else 'disabled'}): left as it is")
            return
        minute, hour, day_of_month, month_of_year, day_of_week = fields
        schedule, _ = CrontabSchedule.objects.get_or_create(
            minute=minute, hour=hour, day_of_month=day_of_month, month_of_year=month_of_year,
            day_of_week=day_of_week, timezone="UTC")
        PeriodicTask.objects.create(name=name, task=SCHEDULED_TASK, crontab=schedule, kwargs=json.dumps({"arch": arch}),
                                    description="Fine-tunes the served network on MNIST plus labelled drawings; "
                                                "the new model is served only if it passes the gate.")
        self.stdout.write(f"created {name!r}: {schedule} UTC")
