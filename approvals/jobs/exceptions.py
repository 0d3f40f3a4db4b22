"""Refusals of the background jobs."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from approvals.exceptions import ApprovalError


class JobQueueUnavailable(ApprovalError):
    """The broker does not answer: the job was not started (pages keep working)."""

    code = "job_queue_unavailable"
    default_message = _(
        "The background queue is unavailable right now, so the job was not started. "
        "Try again in a few minutes or tell the site's administrator."
    )


class JobNotRetryable(ApprovalError):
    """Only a failed job can be started again."""

    code = "job_not_retryable"
    default_message = _("Only a failed job can be started again.")


class JobKindUnknown(ApprovalError):
    """No handler is registered for the kind of job."""

    code = "job_kind_unknown"
    default_message = _("This kind of background job does not exist.")
