"""Audit events and signatures can be added, never changed or deleted through Django."""

from __future__ import annotations

import pytest
from django.urls import reverse

from approvals.audit.models import AuditEvent, Signature
from approvals.audit.services import chain_verify, signature_record
from approvals.exceptions import AuditEventImmutable
from tests.factories import UserFactory
from tests.testapp.models import Document


@pytest.fixture
def signature(org) -> Signature:
    doc = Document.objects.create(unit=org.division_a, author=org.drafter_a, title="Kế hoạch")
    return signature_record(
        subject=doc,
        content=doc.approval_content(),
        user=org.deputy_a,
        action_code="testapp.sign_document",
    )


@pytest.fixture
def admin_client_su(client, db):
    admin = UserFactory(username="admin", is_staff=True, is_superuser=True)
    client.force_login(admin)
    return client


def test_queryset_update_is_refused(five_events):
    with pytest.raises(AuditEventImmutable):
        AuditEvent.objects.filter(index=2).update(comment="sửa")
    assert AuditEvent.objects.get(index=2).comment == five_events[1].comment
    assert chain_verify().ok


def test_queryset_delete_is_refused(five_events):
    with pytest.raises(AuditEventImmutable):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.count() == 5


def test_saving_an_existing_event_is_refused(five_events):
    event = AuditEvent.objects.get(index=3)
    event.comment = "sửa"
    with pytest.raises(AuditEventImmutable):
        event.save()
    with pytest.raises(AuditEventImmutable):
        AuditEvent.objects.bulk_update([event], ["comment"])
    assert AuditEvent.objects.get(index=3).comment == five_events[2].comment


def test_deleting_an_event_is_refused(five_events):
    with pytest.raises(AuditEventImmutable):
        five_events[0].delete()
    assert AuditEvent.objects.count() == 5
    assert chain_verify().ok


def test_signature_cannot_be_changed_or_deleted(signature):
    signature.content_sha256 = "0" * 64
    with pytest.raises(AuditEventImmutable):
        signature.save()
    with pytest.raises(AuditEventImmutable):
        signature.delete()
    with pytest.raises(AuditEventImmutable):
        Signature.objects.update(revision="v9")
    with pytest.raises(AuditEventImmutable):
        Signature.objects.all().delete()
    assert Signature.objects.get().content_sha256 != "0" * 64
    assert chain_verify().ok


def test_admin_shows_events_read_only_and_refuses_change_and_delete(five_events, admin_client_su):
    # given a superuser in the admin and event #2
    client = admin_client_su
    event = five_events[1]
    change_url = reverse("admin:approvals_audit_auditevent_change", args=[event.pk])
    delete_url = reverse("admin:approvals_audit_auditevent_delete", args=[event.pk])
    add_url = reverse("admin:approvals_audit_auditevent_add")
    list_url = reverse("admin:approvals_audit_auditevent_changelist")
    # when they view, then try to change, delete and add
    listing = client.get(list_url)
    viewing = client.get(change_url)
    changing = client.post(change_url, {"comment": "sửa", "action": "x.y"})
    delete_page = client.get(delete_url)
    deleting = client.post(delete_url, {"post": "yes"})
    adding = client.get(add_url)
    bulk_delete = client.post(
        list_url, {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"}
    )
    # then viewing works, every change is refused, and nothing changed
    assert listing.status_code == 200
    assert viewing.status_code == 200
    assert b"delete_selected" not in listing.content
    assert changing.status_code == 403
    assert delete_page.status_code == 403
    assert deleting.status_code == 403
    assert adding.status_code == 403
    assert bulk_delete.status_code in (200, 302)
    assert AuditEvent.objects.count() == 5
    assert AuditEvent.objects.get(pk=event.pk).comment == event.comment
    assert chain_verify().ok


def test_admin_refuses_to_change_or_delete_a_signature(signature, admin_client_su):
    client = admin_client_su
    change_url = reverse("admin:approvals_audit_signature_change", args=[signature.pk])
    delete_url = reverse("admin:approvals_audit_signature_delete", args=[signature.pk])
    assert client.get(change_url).status_code == 200
    assert client.post(change_url, {"revision": "v9"}).status_code == 403
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert Signature.objects.get().revision == ""
    assert chain_verify().ok
