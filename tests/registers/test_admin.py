"""Admin: kinds and configuration are editable, the counter and the entries are not."""

from __future__ import annotations

import pytest
from django.contrib.admin import helpers
from django.urls import reverse

from approvals.registers.models import EntryStatus, Register, RegisterEntry
from approvals.registers.services import number_issue
from tests.registers.conftest import ISSUE_DAY


@pytest.fixture
def staff_clerk(client, clerk):
    """The records clerk, also a superuser of the admin."""
    clerk.is_staff = clerk.is_superuser = True
    clerk.save()
    client.force_login(clerk)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def entry(org, clerk, kinds, register_2024):
    return number_issue(
        agency=org.dept_a,
        kind=kinds["plan"],
        issued_on=ISSUE_DAY,
        user=clerk,
        subject_summary="Kế hoạch thực hiện Phong trào",
    )


@pytest.mark.parametrize(
    "name",
    [
        "admin:approvals_registers_documentkind_changelist",
        "admin:approvals_registers_register_changelist",
        "admin:approvals_registers_registerentry_changelist",
        "admin:approvals_registers_register_add",
    ],
)
def test_admin_pages_render(staff_clerk, entry, name):
    # when
    response = staff_clerk.get(reverse(name))
    # then
    assert response.status_code == 200


def test_register_counter_is_read_only(staff_clerk, register_2024):
    # when
    response = staff_clerk.get(
        reverse("admin:approvals_registers_register_change", args=[register_2024.pk])
    )
    # then
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "next_number" not in form.fields
    assert "agency" not in form.fields
    assert "year" not in form.fields


def test_entries_cannot_be_added_changed_or_deleted(staff_clerk, entry):
    # when
    add = staff_clerk.get(reverse("admin:approvals_registers_registerentry_add"))
    delete = staff_clerk.post(
        reverse("admin:approvals_registers_registerentry_delete", args=[entry.pk]), {"post": "yes"}
    )
    view = staff_clerk.get(
        reverse("admin:approvals_registers_registerentry_change", args=[entry.pk])
    )
    # then
    assert add.status_code == 403
    assert delete.status_code == 403
    assert view.status_code == 200
    assert "adminform" in view.context
    assert not view.context["has_change_permission"]
    assert RegisterEntry.objects.filter(pk=entry.pk).exists()


def test_void_action_asks_for_a_reason_then_voids(staff_clerk, entry):
    # given
    url = reverse("admin:approvals_registers_registerentry_changelist")
    selection = {"action": "void_selected", helpers.ACTION_CHECKBOX_NAME: [entry.pk]}
    # when
    asked = staff_clerk.post(url, {**selection, "index": 0})
    done = staff_clerk.post(url, {**selection, "apply": "1", "reason": "Sai trích yếu"})
    # then
    assert asked.status_code == 200
    assert "reason" in asked.context["form"].fields
    assert done.status_code == 302
    entry.refresh_from_db()
    assert (entry.status, entry.void_reason) == (EntryStatus.VOID, "Sai trích yếu")


def test_void_action_without_reason_asks_again(staff_clerk, entry):
    # given
    url = reverse("admin:approvals_registers_registerentry_changelist")
    # when
    response = staff_clerk.post(
        url,
        {
            "action": "void_selected",
            helpers.ACTION_CHECKBOX_NAME: [entry.pk],
            "apply": "1",
            "reason": "",
        },
    )
    # then
    assert response.status_code == 200
    assert response.context["form"].errors
    entry.refresh_from_db()
    assert entry.status == EntryStatus.ISSUED


def test_close_action_closes_through_the_service(staff_clerk, register_2024):
    # when
    response = staff_clerk.post(
        reverse("admin:approvals_registers_register_changelist"),
        {
            "action": "close_selected",
            helpers.ACTION_CHECKBOX_NAME: [register_2024.pk],
            "apply": "1",
            "reason": "Khóa sổ cuối năm",
        },
    )
    # then
    assert response.status_code == 302
    register_2024.refresh_from_db()
    assert register_2024.is_closed


def test_admin_refuses_a_kind_already_in_another_register(staff_clerk, org, kinds, register_2024):
    # when
    response = staff_clerk.post(
        reverse("admin:approvals_registers_register_add"),
        {
            "agency": org.dept_a.pk,
            "year": 2024,
            "name": "Sổ kế hoạch",
            "kind_links-TOTAL_FORMS": "1",
            "kind_links-INITIAL_FORMS": "0",
            "kind_links-MIN_NUM_FORMS": "0",
            "kind_links-MAX_NUM_FORMS": "1000",
            "kind_links-0-kind": kinds["plan"].pk,
        },
    )
    # then
    assert response.status_code == 200
    assert "already in the register" in response.content.decode()
    assert Register.objects.filter(agency=org.dept_a, year=2024).count() == 1


def test_admin_adds_a_register_with_its_kinds(staff_clerk, org, kinds, register_2024):
    # when
    response = staff_clerk.post(
        reverse("admin:approvals_registers_register_add"),
        {
            "agency": org.dept_a.pk,
            "year": 2024,
            "name": "Sổ quyết định",
            "kind_links-TOTAL_FORMS": "1",
            "kind_links-INITIAL_FORMS": "0",
            "kind_links-MIN_NUM_FORMS": "0",
            "kind_links-MAX_NUM_FORMS": "1000",
            "kind_links-0-kind": kinds["decision"].pk,
        },
    )
    # then
    assert response.status_code == 302
    register = Register.objects.get(name="Sổ quyết định")
    assert list(register.kinds.all()) == [kinds["decision"]]
    link = register.kind_links.get()
    assert (link.agency, link.year, link.confidential) == (org.dept_a, 2024, False)
