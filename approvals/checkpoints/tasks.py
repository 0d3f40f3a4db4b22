"""Writing a checkpoint as a Celery task (beat runs it; eager in tests and without a broker)."""

from __future__ import annotations

import logging

from celery import shared_task

from approvals.checkpoints.exceptions import CheckpointKeyMissing

logger = logging.getLogger(__name__)


@shared_task(name="approvals.checkpoints.write_checkpoint", ignore_result=True)
def write_checkpoint(reason: str = "beat") -> str | None:
    """Write one checkpoint; its file name, or None when no organisation seal is set up."""
    from approvals.checkpoints.services import checkpoint_write

    try:
        return checkpoint_write(reason=reason).name
    except CheckpointKeyMissing as exc:
        logger.warning("No audit checkpoint written: %s", exc)
        return None
