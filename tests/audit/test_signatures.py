"""Signing an exact revision, in the capacity the resolver grants, and checking it later."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from approvals.audit.models import AuditEvent, Signature
from approvals.audit.services import BreakKind, chain_verify, signature_record, signature_verify
from approvals.exceptions import ActionNotPermitted, SeparationOfDutiesViolation, ValidationFailed
from approvals.organisation.models import Capacity, Delegation
from tests.audit.helpers import raw_sql
from tests.testapp.models import Document

SIGN = "testapp.sign_document"


@pytest.fixture
def document(org) -> Document:
    """A plan drafted in the department office of department A."""
    return Document.objects.create(
        unit=org.division_a,
        author=org.drafter_a,
        title="Kế hoạch thực hiện phong trào năm 2026",
        body="Toàn dân đoàn kết xây dựng đời sống văn hóa.",
    )


def test_deputy_signs_for_the_director_with_capacity_and_block(org, document):
    # given the deputy director of department A and a plan of its office
    # when he signs the exact revision
    signature = signature_record(
        subject=document,
        content=document.approval_content(),
        user=org.deputy_a,
        action_code=SIGN,
        revision="v1",
        comment="Đồng ý ban hành",
    )
    # then the signature carries the capacity, block, position and hash of the revision
    signature.refresh_from_db()
    assert signature.capacity == Capacity.KT
    assert signature.signature_lines == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]
    assert signature.signature_block == "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC"
    assert signature.signer == org.deputy_a
    assert signature.position == org.p_deputy_a
    assert signature.delegation is None
    assert signature.content_sha256 == document.content_hash()
    assert (signature.subject_type, signature.subject_id) == ("testapp.document", str(document.pk))
    assert signature.revision == "v1"
    # and one audit event records the same facts
    event = signature.audit_event
    assert event.action == SIGN
    assert event.actor == org.deputy_a
    assert event.capacity == Capacity.KT
    assert event.content_hash == document.content_hash()
    assert event.comment == "Đồng ý ban hành"
    assert event.payload["content_sha256"] == document.content_hash()
    assert event.payload["signer"] == org.deputy_a.pk
    assert event.payload["capacity"] == "KT"
    assert event.payload["signature_block"] == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]
    assert signature.signed_at == event.created_at
    assert chain_verify().ok


def test_signature_verifies_the_signed_content_and_detects_a_change(org, document):
    # given a signed revision
    signature = signature_record(
        subject=document,
        content=document.approval_content(),
        user=org.deputy_a,
        action_code=SIGN,
    )
    # when the same content and then a changed one are checked
    same = signature_verify(signature=signature, content=document.approval_content())
    document.body += " (sửa sau khi ký)"
    changed = signature_verify(signature=signature, content=document.approval_content())
    # then the first is valid and the second is not, with both hashes shown
    assert same.valid
    assert same.expected == same.actual
    assert not changed.valid
    assert changed.expected == signature.content_sha256
    assert changed.actual == document.content_hash()
    assert changed.expected != changed.actual
    with translation.override("en"):
        message = signature_verify(signature=signature, content=b"other").message
    assert "changed after signing" in message


def test_drafter_signing_own_document_is_refused_and_nothing_is_written(org, document):
    # given the drafter of the plan
    # when she tries to sign it
    with pytest.raises(SeparationOfDutiesViolation):
        signature_record(
            subject=document,
            content=document.approval_content(),
            user=org.drafter_a,
            action_code=SIGN,
        )
    # then no event and no signature exist
    assert not AuditEvent.objects.exists()
    assert not Signature.objects.exists()


def test_deputy_of_another_department_is_refused(org, document):
    with pytest.raises(ActionNotPermitted):
        signature_record(
            subject=document,
            content=document.approval_content(),
            user=org.deputy_b,
            action_code=SIGN,
        )
    assert not AuditEvent.objects.exists()
    assert not Signature.objects.exists()


def test_delegate_signs_tuq_on_behalf_of_the_director(org, document):
    # given the director's signing delegated in writing to the office head
    delegation = Delegation.objects.create(
        delegator=org.director_a,
        delegator_position=org.p_director_a,
        delegate=org.office_head_a,
        instrument="Giấy ủy quyền số 05/GUQ-LĐTBXH",
        valid_from=datetime.date(2020, 1, 1),
        valid_to=datetime.date(2099, 12, 31),
    )
    delegation.actions.add(org.sign)
    # when the office head signs
    signature = signature_record(
        subject=document,
        content=document.approval_content(),
        user=org.office_head_a,
        action_code=SIGN,
    )
    # then it is signed "TUQ. GIÁM ĐỐC" over his own title, on behalf of the director
    assert signature.capacity == Capacity.TUQ
    own_title = org.p_office_head_a.printed_title.upper()
    assert signature.signature_lines == ["TUQ. GIÁM ĐỐC", own_title]
    assert signature.delegation == delegation
    assert signature.authority == "Giấy ủy quyền số 05/GUQ-LĐTBXH"
    assert signature.audit_event.on_behalf_of == org.director_a
    assert chain_verify().ok


def test_signature_row_edited_in_the_database_is_reported(org, document):
    # given a signature whose hash is replaced behind Django's back
    signature = signature_record(
        subject=document,
        content=document.approval_content(),
        user=org.deputy_a,
        action_code=SIGN,
    )
    forged = "f" * 64
    raw_sql(
        "UPDATE approvals_audit_signature SET content_sha256 = %s WHERE id = %s",
        [forged, signature.pk],
    )
    # when the chain is verified
    report = chain_verify()
    # then the events are intact but the signature is named as edited
    assert report.event_break is None
    assert not report.ok
    brk = report.signature_break
    assert (brk.kind, brk.signature_id) == (BreakKind.SIGNATURE_EDITED, signature.pk)
    assert "content_sha256" in brk.message
    with translation.override("en"), pytest.raises(CommandError) as exc:
        call_command("verify_audit_chain", stdout=StringIO())
    assert f"Signature id {signature.pk}" in str(exc.value)
    # and a forged hash matching forged content does not pass either
    signature.refresh_from_db()
    assert not signature_verify(signature=signature, content=document.approval_content()).valid


def test_signature_block_edited_in_the_database_is_reported(org, document):
    signature = signature_record(
        subject=document,
        content=document.approval_content(),
        user=org.deputy_a,
        action_code=SIGN,
    )
    raw_sql(
        "UPDATE approvals_audit_signature SET signature_block = %s, capacity = %s WHERE id = %s",
        ["GIÁM ĐỐC", "own", signature.pk],
    )
    brk = chain_verify().signature_break
    assert brk.signature_id == signature.pk
    assert "capacity" in brk.message
    assert "signature_block" in brk.message


@pytest.mark.parametrize("content", ["text, not bytes", b""])
def test_content_must_be_non_empty_bytes(org, document, content):
    with pytest.raises(ValidationFailed):
        signature_record(subject=document, content=content, user=org.deputy_a, action_code=SIGN)
    assert not AuditEvent.objects.exists()
