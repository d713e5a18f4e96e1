"""The Celery app: configured from Django settings (CELERY_*), tasks found in each app's tasks.py."""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digitsite.settings.local")

app = Celery("digitsite")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Task events, so Flower (or `celery events`) can watch the workers; the log lines are Django's LOGGING ones.
app.conf.update(worker_send_task_events=True, task_send_sent_event=True, worker_hijack_root_logger=False)
app.autodiscover_tasks()
