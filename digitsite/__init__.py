"""digitsite: draw a number, a numpy network reads it."""
from .celery import app as celery_app

__all__ = ("celery_app",)
