"""Tampering straight in the database (raw SQL, around every ORM guard) is found by
``manage.py verify_integrity``, which names what changed; ``verify_audit_chain`` alone
covers the events and signatures."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import translation

from approvals.audit.models import AuditEvent, Signature
from approvals.registers.integrity import registers_verify
from approvals.registers.models import RegisterEntry
from tests.plans.conftest import new_plan, province, to_signature
from workflows.plans.models import Plan, PlanRevision
from workflows.plans.services import plan_issue, plan_sign

__all__ = ["province"]

pytestmark = pytest.mark.django_db


def run(command: str = "verify_integrity") -> str:
    out = StringIO()
    with translation.override("en"):
        call_command(command, stdout=out, stderr=StringIO())
    return out.getvalue()


def failure(command: str = "verify_integrity") -> str:
    with pytest.raises(CommandError) as caught:
        run(command)
    return str(caught.value)


def sql(statement: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def table(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def json_param(model: Any, field: str, value: Any) -> Any:
    return model._meta.get_field(field).get_db_prep_save(value, connection)


@pytest.fixture
def issued(province) -> Plan:
    """Two plans signed and numbered (entries 1 and 2 of the register), the chain intact."""
    p = province
    plans = []
    for _ in range(2):
        plan = to_signature(p, new_plan(p))
        plan_sign(plan=plan, user=p.user("pgd.ldtbxh"))
        plans.append(plan_issue(plan=Plan.objects.get(pk=plan.pk), user=p.user("vanthu.ldtbxh")))
    first = plans[0]
    first.refresh_from_db()
    return first


def test_an_untouched_database_verifies(issued):
    output = run()
    assert "OK" in output
    assert registers_verify() == []


def test_an_edited_audit_event_is_named_by_its_index(issued):
    event = AuditEvent.objects.order_by("index")[3]
    sql(f"UPDATE {table(AuditEvent)} SET comment = %s WHERE id = %s", ["sửa lén", event.pk])

    for command in ("verify_audit_chain", "verify_integrity"):
        message = failure(command)
        assert f"#{event.index}" in message, message


def test_a_deleted_audit_event_is_found(issued):
    event = AuditEvent.objects.order_by("index")[5]
    sql(f"DELETE FROM {table(AuditEvent)} WHERE id = %s", [event.pk])

    message = failure()
    assert str(event.index) in message, message


def test_an_edited_signature_hash_is_named(issued):
    signature = Signature.objects.get(pk=issued.signature_id)
    sql(
        f"UPDATE {table(Signature)} SET content_sha256 = %s WHERE id = %s", ["0" * 64, signature.pk]
    )

    message = failure()
    assert f"Signature id {signature.pk}" in message or str(signature.pk) in message, message


def test_signed_plan_content_changed_in_the_database_is_named(issued):
    revision = PlanRevision.objects.get(plan=issued, number=int(issued.signature.revision))
    content = dict(revision.content)
    content["subject_summary"] = "Nội dung bị sửa sau khi ký"
    sql(
        f"UPDATE {table(PlanRevision)} SET content = %s WHERE id = %s",
        [json_param(PlanRevision, "content", content), revision.pk],
    )

    message = failure()
    assert f"Plan id {issued.pk}" in message or f"id {issued.pk}" in message, message
    # the audit chain itself is intact: only the new check finds this
    assert "OK" in run("verify_audit_chain")


def test_signed_plan_content_and_its_hash_changed_together_is_still_found(issued):
    import hashlib

    from workflows.plans.models import canonical_content

    revision = PlanRevision.objects.get(plan=issued, number=int(issued.signature.revision))
    content = dict(revision.content)
    content["subject_summary"] = "Nội dung bị sửa sau khi ký"
    digest = hashlib.sha256(canonical_content(content)).hexdigest()
    sql(
        f"UPDATE {table(PlanRevision)} SET content = %s, content_sha256 = %s WHERE id = %s",
        [json_param(PlanRevision, "content", content), digest, revision.pk],
    )

    message = failure()
    assert f"Plan id {issued.pk}" in message, message
    assert "no longer renders to the document that was signed" in message


@pytest.mark.parametrize(
    ("column", "value", "names"),
    [
        ("symbol", "99/KH-LĐTBXH", "symbol"),
        ("number", 7, "number"),
    ],
    ids=["symbol-changed", "number-changed"],
)
def test_a_changed_register_entry_is_named(issued, column, value, names):
    entry = RegisterEntry.objects.get(pk=issued.register_entry_id)
    sql(f"UPDATE {table(RegisterEntry)} SET {column} = %s WHERE id = %s", [value, entry.pk])

    message = failure()
    assert f"Register entry id {entry.pk}" in message, message
    assert names in message
    assert str(value) in message
    # the chain is intact, the register check is what finds it
    assert "OK" in run("verify_audit_chain")


def test_a_deleted_register_entry_is_named(issued):
    entry = RegisterEntry.objects.get(pk=issued.register_entry_id)
    sql(f"UPDATE {table(Plan)} SET register_entry_id = NULL WHERE id = %s", [issued.pk])
    sql(f"DELETE FROM {table(RegisterEntry)} WHERE id = %s", [entry.pk])

    problems = registers_verify()
    kinds = {p.kind for p in problems}
    assert kinds == {"entry_deleted", "number_missing"}, problems
    message = failure()
    assert entry.symbol in message
    assert f"entry id {entry.pk}" in message


def test_an_entry_written_around_the_service_is_found(issued):
    entry = RegisterEntry.objects.get(pk=issued.register_entry_id)
    RegisterEntry.objects.bulk_create(
        [
            RegisterEntry(
                register_id=entry.register_id,
                number=3,
                symbol="03/KH-LĐTBXH",
                kind_id=entry.kind_id,
                subject_summary="Chèn tay",
                issued_on=entry.issued_on,
                issued_by_id=entry.issued_by_id,
            )
        ]
    )

    kinds = {p.kind for p in registers_verify()}
    assert kinds == {"entry_without_event", "number_beyond_counter"}


def test_a_void_undone_in_the_database_is_found(issued):
    from approvals.registers.services import number_void

    entry = RegisterEntry.objects.get(pk=issued.register_entry_id)
    number_void(entry=entry, user=issued_clerk(), reason="Văn bản hỏng")
    assert registers_verify() == []
    sql(
        f"UPDATE {table(RegisterEntry)} SET status = 'issued', void_reason = '', "
        "voided_at = NULL, voided_by_id = NULL WHERE id = %s",
        [entry.pk],
    )

    assert [p.kind for p in registers_verify()] == ["void_undone"]


def issued_clerk() -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="vanthu.ldtbxh")
