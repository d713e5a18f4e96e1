"""Celery tasks of the facts app: thin wrappers around services."""
from celery import shared_task

from . import client, services


@shared_task(name=services.FETCH_TASK, autoretry_for=(client.FactsUnavailable,), retry_backoff=30, max_retries=3,
             ignore_result=True)
def fetch_fact(number: int, kind: str) -> None:
    """Fetches and stores a fact a visitor did not wait for; a fact stored meanwhile is not asked for again."""
    services.fact_fetch(number=number, kind=kind)
