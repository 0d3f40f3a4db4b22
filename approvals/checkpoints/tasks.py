"""Writing a checkpoint as a Celery task (beat runs it; eager in tests and without a broker)."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import transaction

from approvals.checkpoints import conf
from approvals.checkpoints.exceptions import CheckpointKeyMissing
from approvals.checkpoints.services import checkpoint_write

logger = logging.getLogger(__name__)


@shared_task(name="approvals.checkpoints.write_checkpoint", ignore_result=True)
def write_checkpoint(reason: str = "beat") -> str | None:
    """Write one checkpoint; its file name, or None when no organisation seal is set up."""
    try:
        return checkpoint_write(reason=reason).name
    except CheckpointKeyMissing as exc:
        logger.warning("No audit checkpoint written: %s", exc)
        return None


def checkpoint_after_issue() -> None:
    """Write a checkpoint once the current transaction commits (a document was issued).

    Called by the workflows' issue services. A failure there never undoes the issue: it is
    logged, and the next beat writes the checkpoint.
    """
    if conf.on_issue():
        transaction.on_commit(_after_commit)


def _after_commit() -> None:
    try:
        write_checkpoint.delay(reason="issue")
    except Exception:
        logger.exception("Could not queue the checkpoint after an issued document")
