"""The Celery tasks of the background jobs: one run, and the sweep beat sends."""

from __future__ import annotations

from celery import shared_task

from approvals.jobs.runner import job_run
from approvals.jobs.services import RUN_TASK, jobs_sweep


@shared_task(name=RUN_TASK, ignore_result=True)
def run_job(job_id: int, token: str) -> str:
    """Run one attempt of a job; the status it ended in (or "skipped" for a stale message)."""
    job = job_run(job_id, token)
    return job.status if job is not None else "skipped"


@shared_task(name="approvals.jobs.sweep", ignore_result=True)
def sweep_jobs() -> int:
    """Mark failed the jobs whose worker died or that the broker lost."""
    return jobs_sweep()
