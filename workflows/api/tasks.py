"""Celery tasks of the API: the hourly purge of expired idempotency keys."""

from __future__ import annotations

from celery import shared_task

from workflows.api.services import idempotency_keys_purge


@shared_task(name="workflows.api.purge_idempotency_keys", ignore_result=True)
def purge_idempotency_keys() -> int:
    return idempotency_keys_purge()
