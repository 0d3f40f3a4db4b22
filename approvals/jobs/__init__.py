"""Background jobs: long work (imports, large decisions, exports, roll-overs) run by a Celery
worker with a database record a person can follow (who started it, for what, progress,
result or error, times).

A process registers a kind of job with :func:`approvals.jobs.registry.register` (its handler
and label) in its app's ``ready()``; a view checks the user's right to start it and calls
:func:`approvals.jobs.services.job_start`. The handler's work runs in one transaction: a job
that fails keeps nothing half done and can be started again (:func:`job_retry`). A job whose
worker died stops sending heartbeats and is marked failed by :func:`jobs_sweep` (beat runs it).
Without a broker (the demo, the tests) a job runs at once, inside the starting request.
"""
