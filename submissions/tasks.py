"""Celery tasks of stored drawings: thin wrappers around services."""
from celery import shared_task

from .deletion import drawings_purge


@shared_task(ignore_result=True)
def purge_expired_drawings() -> int:
    """The nightly retention run: deletes drawings past DRAWING_RETENTION_DAYS that no staff member labelled."""
    return drawings_purge()
