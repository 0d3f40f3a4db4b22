"""A decision recognising more candidates than the setting is numbered as a background job."""

from __future__ import annotations

import pytest
from django.urls import reverse

from approvals.audit.models import AuditEvent
from approvals.exceptions import ValidationFailed
from approvals.jobs.models import Job, JobStatus
from approvals.registers.models import RegisterEntry
from approvals.signing.exceptions import SigningRefused
from tests.nominations.web.conftest import refreshed
from workflows.nominations import decision_pdf, jobs_decisions
from workflows.nominations.flow_actions import flow_open_tasks
from workflows.nominations.models import CandidateState, Dossier, DossierState
from workflows.nominations.services import decisions

pytestmark = pytest.mark.django_db

CANDIDATES = 12  # the commune fixture's households


@pytest.fixture
def small_threshold(settings):
    settings.NOMINATIONS_DECISION_JOB_THRESHOLD = CANDIDATES - 1


def _issue(client, dossier: Dossier):
    return client.post(
        reverse("nominations:issue", args=[dossier.pk]), {"stage": "decision:signed"}
    )


def test_a_large_decision_is_numbered_by_a_job_with_progress(client, web, small_threshold):
    dossier = web.signed()
    client.force_login(web.c.clerk)
    response = _issue(client, dossier)
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert (job.kind, job.status, job.started_by) == (
        jobs_decisions.ISSUE_KIND,
        JobStatus.DONE,
        web.c.clerk,
    )
    assert (job.subject_type, job.subject_id) == ("nominations.dossier", str(dossier.pk))
    assert job.url == reverse("nominations:detail", args=[dossier.pk])
    assert str(CANDIDATES) in job.label
    assert dossier.proposing_unit.name in job.label
    # the candidates and the two phases (numbering and sealing; the transition)
    assert (job.progress_done, job.progress_total) == (CANDIDATES + 2, CANDIDATES + 2)
    dossier = refreshed(dossier)
    assert dossier.state == DossierState.DECIDED
    assert job.result["symbol"] == dossier.register_entry.symbol
    assert job.result["recognised"] == CANDIDATES
    assert dossier.candidates.filter(state=CandidateState.RECOGNISED).count() == CANDIDATES
    assert not flow_open_tasks(dossier)


def test_a_small_decision_is_still_numbered_at_once(client, web):
    dossier = web.signed()
    client.force_login(web.c.clerk)
    response = _issue(client, dossier)
    assert response["Location"] == reverse("nominations:detail", args=[dossier.pk])
    assert not Job.objects.exists()
    assert refreshed(dossier).state == DossierState.DECIDED


def _seal_refused(*args, **kwargs):
    raise SigningRefused("the seal's token is absent")


def _transition_refused(*args, **kwargs):
    raise ValidationFailed("a candidate fails a check")


@pytest.mark.parametrize(
    ("target", "name", "replacement", "error"),
    [
        (decision_pdf, "sign_pdf", _seal_refused, "the seal's token is absent"),
        (decisions, "transition_perform", _transition_refused, "a candidate fails a check"),
    ],
)
def test_a_failure_half_way_keeps_nothing(
    client, web, small_threshold, monkeypatch, target, name, replacement, error
):
    dossier = web.signed()
    entries = RegisterEntry.objects.count()
    monkeypatch.setattr(target, name, replacement)
    client.force_login(web.c.clerk)
    response = _issue(client, dossier)
    job = Job.objects.get()
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert (job.status, job.error) == (JobStatus.FAILED, error)
    dossier = refreshed(dossier)
    assert dossier.state == DossierState.DECISION
    assert dossier.register_entry_id is None
    assert RegisterEntry.objects.count() == entries  # no number taken
    assert not dossier.candidates.filter(state=CandidateState.RECOGNISED).exists()
    assert flow_open_tasks(dossier)  # the clerk's task is still open
    # once the cause is gone, the job runs again and issues the decision
    monkeypatch.undo()
    client.post(reverse("jobs:retry", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert refreshed(dossier).candidates.filter(state=CandidateState.RECOGNISED).count() == 12


def test_someone_who_may_not_number_starts_no_job(client, web, small_threshold):
    dossier = web.signed()
    client.force_login(web.c.chairman)
    response = _issue(client, dossier)
    assert response.status_code == 403
    assert not Job.objects.exists()
    assert refreshed(dossier).register_entry_id is None


def test_a_stale_page_starts_no_job(client, web, small_threshold):
    dossier = web.signed()
    client.force_login(web.c.clerk)
    response = client.post(reverse("nominations:issue", args=[dossier.pk]), {"stage": "submitted"})
    assert response.status_code == 409
    assert not Job.objects.exists()
    assert not AuditEvent.objects.filter(action="approvals_jobs.start").exists()


# --- the leader's signature of a large decision ------------------------------------------------


def _sign(client, dossier: Dossier, **data):
    return client.post(
        reverse("nominations:decide", args=[dossier.pk]),
        {"stage": "decision", "late_reason": "", **data},
    )


def test_a_large_decision_is_signed_by_a_job(client, web, small_threshold):
    dossier = web.accepted()
    client.force_login(web.c.chairman)
    response = _sign(client, dossier)
    job = Job.objects.get()
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert (job.kind, job.status, job.started_by) == (
        jobs_decisions.SIGN_KIND,
        JobStatus.DONE,
        web.c.chairman,
    )
    dossier = refreshed(dossier)
    assert dossier.signature.signer == web.c.chairman
    # then the clerk numbers it, as a second job
    client.force_login(web.c.clerk)
    _issue(client, dossier)
    assert Job.objects.filter(kind=jobs_decisions.ISSUE_KIND, status=JobStatus.DONE).exists()
    assert refreshed(dossier).state == DossierState.DECIDED


def test_a_signing_job_that_fails_keeps_no_signature(client, web, small_threshold, monkeypatch):
    dossier = web.accepted()
    monkeypatch.setattr(decision_pdf, "sign_pdf", _seal_refused)
    client.force_login(web.c.chairman)
    _sign(client, dossier)
    job = Job.objects.get()
    assert (job.kind, job.status) == (jobs_decisions.SIGN_KIND, JobStatus.FAILED)
    assert refreshed(dossier).signature_id is None


def test_a_large_decision_signed_with_a_typed_pin_is_signed_at_once(client, web, small_threshold):
    dossier = web.accepted()
    client.force_login(web.c.chairman)
    response = _sign(client, dossier, pin="not-the-key's-passphrase")
    # signed at once (and here refused: the test key opens with no PIN), never by a job:
    # a PIN is never kept in a job's parameters
    assert response.status_code != 302
    assert not Job.objects.exists()
    assert AuditEvent.objects.filter(
        subject_id=str(dossier.pk), action=decision_pdf.SIGN_REFUSED
    ).exists()
    assert refreshed(dossier).signature_id is None


def test_someone_who_may_not_sign_starts_no_job(client, web, small_threshold):
    dossier = web.accepted()
    client.force_login(web.c.village_head)
    response = _sign(client, dossier)
    assert response.status_code == 403
    assert not Job.objects.exists()
    assert refreshed(dossier).signature_id is None
