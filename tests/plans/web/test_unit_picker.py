"""The plan form's unit lists: grouped by parent with no two options reading the same, and the
consulted list limited to the issuing agency's peers (refused otherwise, in the form and in
the service)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.translation import override

from approvals.audit.models import AuditEvent
from approvals.exceptions import ValidationFailed
from approvals.organisation.fields import UnitMultipleChoiceField, unit_label
from approvals.organisation.models import OrgUnit
from approvals.registers.models import DocumentKind
from tests.demo.conftest import Demo, demo
from tests.plans.web.test_plan_pages import BODY, client_for, form_data
from workflows.plans.forms import PlanForm
from workflows.plans.models import Plan
from workflows.plans.services import plan_create

__all__ = ["demo"]

pytestmark = pytest.mark.django_db

DEPT = "Sở Lao động - Thương binh và Xã hội"
VHTTDL = "Sở Văn hóa, Thể thao và Du lịch"


def option_labels(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S)
    assert select is not None
    return re.findall(r"<option [^>]*>([^<]*)</option>", select.group(0))


def drafter_form(demo: Demo, data: dict[str, Any] | None = None) -> PlanForm:
    office = demo.unit("Văn phòng Sở", DEPT)
    return PlanForm(data, drafting_units=[office], day=timezone.localdate())


def test_unit_options_are_grouped_by_parent_and_never_read_the_same(demo: Demo) -> None:
    page = client_for(demo, "chuyenvien.vp.ldtbxh").get("/plans/new/").content.decode()
    labels = option_labels(page, "recipient_units")
    assert len(labels) == len(set(labels)) > 10
    assert "Văn phòng Sở — Sở LĐTBXH" in labels
    assert "Văn phòng Sở — Sở VHTTDL" in labels
    assert f'<optgroup label="{DEPT}">' in page
    assert "data-unit-picker" in page
    assert "site/unit-picker.js" in page


def test_the_field_labels_each_unit_with_its_parent(demo: Demo) -> None:
    field = UnitMultipleChoiceField(OrgUnit.objects.filter(name="Văn phòng Sở"))
    groups = dict(field.choices)
    assert set(groups) == {DEPT, VHTTDL}
    assert unit_label(demo.unit("Văn phòng Sở", VHTTDL)) == "Văn phòng Sở — Sở VHTTDL"


def test_consulted_choices_are_the_issuing_agencys_peers_only(demo: Demo) -> None:
    form = drafter_form(demo)
    choices = set(form.fields["consulted_agencies"].queryset)
    assert demo.unit(VHTTDL) in choices
    assert OrgUnit.objects.get(short_name="BCĐ Phong trào tỉnh") in choices
    # never the drafting unit, the agency it belongs to, or the top of the tree
    assert demo.unit("Văn phòng Sở", DEPT) not in choices
    assert demo.unit(DEPT) not in choices
    assert demo.unit("Tỉnh Bắc Giang") not in choices
    # the office of another department is not at the plan's level either
    assert demo.unit("Văn phòng Sở", VHTTDL) not in choices


def test_the_form_refuses_a_unit_that_cannot_be_consulted(demo: Demo) -> None:
    # issued by the office itself, its department cannot be consulted (the office belongs to it)
    office = demo.unit("Văn phòng Sở", DEPT)
    data = form_data(
        demo,
        issuing_agency=office.pk,
        consulted_agencies=[demo.unit("Phòng Bảo trợ xã hội").pk, demo.unit(VHTTDL).pk],
        needs_consultation="on",
        consultation_working_days=3,
    )
    with override("vi"):
        form = drafter_form(demo, data)
        assert not form.is_valid()
        error = " ".join(form.errors["consulted_agencies"])
    assert VHTTDL in error
    assert "Không thể lấy ý kiến" in error
    assert "Phòng Bảo trợ xã hội" not in error


def test_the_page_keeps_the_plan_out_when_a_unit_cannot_be_consulted(demo: Demo) -> None:
    client: Client = client_for(demo, "chuyenvien.vp.ldtbxh")
    data = form_data(
        demo,
        consulted_agencies=[demo.unit("Phòng Bảo trợ xã hội").pk],
        needs_consultation="on",
        consultation_working_days=3,
    )
    before = Plan.objects.count()
    response = client.post("/plans/new/", data)
    assert response.status_code == 200
    assert Plan.objects.count() == before


def test_the_service_refuses_a_unit_that_cannot_be_consulted(demo: Demo) -> None:
    dept = demo.unit(DEPT)
    with pytest.raises(ValidationFailed) as refused:
        plan_create(
            user=demo.user("chuyenvien.vp.ldtbxh"),
            issuing_agency=dept,
            drafting_unit=demo.unit("Văn phòng Sở", DEPT),
            kind=DocumentKind.objects.get(code="plan"),
            year=timezone.localdate().year,
            content={"subject_summary": "x", "sections": [], "recipients": ["x"]},
            needs_consultation=True,
            consulted_agencies=[demo.unit("Văn phòng Sở", VHTTDL)],
            consultation_working_days=3,
        )
    assert refused.value.params["field"] == "consulted_agencies"


def test_single_unit_choices_name_the_parent_too(demo: Demo) -> None:
    form = drafter_form(demo)
    office = demo.unit("Văn phòng Sở", DEPT)
    labels = dict(form.fields["drafting_unit"].choices)
    assert labels[office.pk] == "Văn phòng Sở — Sở LĐTBXH"


def _draft(demo: Demo, client: Client) -> Plan:
    response = client.post("/plans/new/", form_data(demo))
    assert response.status_code == 302
    return Plan.objects.latest("pk")


def test_the_edit_page_saves_the_consulted_agencies_and_the_recipients(demo: Demo) -> None:
    client = client_for(demo, "chuyenvien.vp.ldtbxh")
    plan = _draft(demo, client)
    vhttdl, office = demo.unit(VHTTDL), demo.unit("Văn phòng Sở", VHTTDL)
    data = form_data(
        demo,
        consulted_agencies=[vhttdl.pk],
        needs_consultation="on",
        consultation_working_days=3,
        recipient_units=[office.pk],
    )
    response = client.post(f"/plans/{plan.pk}/edit/", data)
    assert response.status_code == 302
    plan.refresh_from_db()
    assert list(plan.consulted_agencies.all()) == [vhttdl]
    assert list(plan.recipient_units.all()) == [office]
    assert plan.needs_consultation
    assert plan.consultation_working_days == 3
    # the text did not change: no new revision, but the change is in the audit trail
    assert plan.revision_number == 1
    event = AuditEvent.objects.filter(action="plans.edit_plan", subject_id=str(plan.pk)).get()
    assert set(event.payload["addressing_changed"]) == {
        "consulted_agencies",
        "needs_consultation",
        "consultation_working_days",
        "recipient_units",
    }


def test_the_edit_page_refuses_a_unit_that_cannot_be_consulted_and_keeps_the_draft(
    demo: Demo,
) -> None:
    client = client_for(demo, "chuyenvien.vp.ldtbxh")
    plan = _draft(demo, client)
    data = form_data(
        demo,
        body=BODY + "\n3. Một đoạn mới.",
        consulted_agencies=[demo.unit("Văn phòng Sở", VHTTDL).pk],
        needs_consultation="on",
        consultation_working_days=3,
    )
    response = client.post(f"/plans/{plan.pk}/edit/", data)
    assert response.status_code == 200
    plan.refresh_from_db()
    assert plan.revision_number == 1
    assert not plan.consulted_agencies.exists()
    assert not plan.needs_consultation
