"""transition_perform: wrong state, refusal, success with its audit event, conflicts."""

from __future__ import annotations

import pytest

from approvals.audit.models import AuditEvent
from approvals.exceptions import (
    ActionNotPermitted,
    ConcurrentUpdate,
    InvalidTransition,
    SeparationOfDutiesViolation,
    ValidationFailed,
)
from approvals.transitions import transition_perform
from tests.testapp.models import Document, DocumentState


@pytest.fixture
def submitted(org) -> Document:
    doc = Document.objects.create(unit=org.division_a, author=org.drafter_a, title="KH 2026")
    transition_perform(
        obj=doc, transition="submit", user=org.drafter_a, action="testapp.submit_document"
    )
    return doc


def test_transition_changes_state_and_writes_one_audit_event(org, submitted):
    # when the office head approves
    authority = transition_perform(
        obj=submitted,
        transition="approve",
        user=org.office_head_a,
        action="testapp.approve_document",
        comment="Đồng ý",
    )
    # then the state moved and one event records who, from, to, comment and content hash
    submitted.refresh_from_db()
    assert submitted.state == DocumentState.APPROVED
    event = AuditEvent.objects.filter(action="testapp.approve_document").get()
    assert (event.from_state, event.to_state) == ("submitted", "approved")
    assert event.actor == org.office_head_a
    assert event.comment == "Đồng ý"
    assert event.content_hash == submitted.content_hash()
    assert authority.position == org.p_office_head_a


def test_refusal_changes_nothing(org, submitted):
    before = AuditEvent.objects.count()
    with pytest.raises(ActionNotPermitted):
        transition_perform(
            obj=submitted,
            transition="approve",
            user=org.deputy_b,
            action="testapp.approve_document",
        )
    assert submitted.state == DocumentState.SUBMITTED
    submitted.refresh_from_db()
    assert submitted.state == DocumentState.SUBMITTED
    assert AuditEvent.objects.count() == before


def test_author_cannot_approve_own_document(org, submitted):
    with pytest.raises(SeparationOfDutiesViolation):
        transition_perform(
            obj=submitted,
            transition="approve",
            user=org.drafter_a,
            action="testapp.approve_document",
        )


def test_wrong_state_is_told_apart_from_missing_right(org, submitted):
    with pytest.raises(InvalidTransition) as exc:
        transition_perform(
            obj=submitted, transition="sign", user=org.deputy_a, action="testapp.sign_document"
        )
    # the state is named by its label, never by its code (issue 24: labels, not codes)
    assert "“Submitted”" in str(exc.value)
    assert "“submitted”" not in str(exc.value)


def test_required_comment(org, submitted):
    with pytest.raises(ValidationFailed):
        transition_perform(
            obj=submitted,
            transition="approve",
            user=org.office_head_a,
            action="testapp.approve_document",
            require_comment=True,
            comment=" ",
        )


def test_stale_copy_loses_with_a_conflict_and_its_state_is_restored(org, submitted):
    # given two copies of the same submitted document
    stale = Document.objects.get(pk=submitted.pk)
    transition_perform(
        obj=submitted,
        transition="approve",
        user=org.office_head_a,
        action="testapp.approve_document",
    )
    events = AuditEvent.objects.count()
    # when the stale copy is approved again
    with pytest.raises((ConcurrentUpdate, InvalidTransition)):
        transition_perform(
            obj=stale,
            transition="approve",
            user=org.office_head_a,
            action="testapp.approve_document",
        )
    # then exactly one approval happened
    assert AuditEvent.objects.count() == events
    assert stale.state == DocumentState.APPROVED  # reloaded from the database
