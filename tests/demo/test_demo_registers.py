"""The demo's registers: configured for this year, numbered by the records clerks."""

from __future__ import annotations

from django.utils import timezone

from approvals.organisation.models import Capacity
from approvals.organisation.resolver import decide
from approvals.registers.models import DocumentKind, Register
from approvals.registers.services import ISSUE_NUMBER, VOID_NUMBER, number_issue

LDTBXH = "Sở Lao động - Thương binh và Xã hội"


def _committee(demo):
    from approvals.organisation.models import OrgUnit, UnitKind

    return OrgUnit.objects.get(kind=UnitKind.STEERING_COMMITTEE)


def test_this_years_registers_are_configured(demo):
    year = timezone.localdate().year
    department = demo.unit(LDTBXH)
    registers = {r.name: r for r in Register.objects.of(department, year)}
    assert set(registers) == {
        f"Sổ đăng ký văn bản đi năm {year}",
        f"Sổ đăng ký quyết định năm {year}",
    }
    decisions = registers[f"Sổ đăng ký quyết định năm {year}"]
    assert list(decisions.kinds.values_list("abbreviation", flat=True)) == ["QĐ"]
    outgoing = registers[f"Sổ đăng ký văn bản đi năm {year}"]
    assert outgoing.kinds.count() == DocumentKind.objects.count() - 1

    committee = Register.objects.of(_committee(demo), year).get()
    assert committee.kinds.count() == DocumentKind.objects.count()


def test_records_clerk_numbers_for_own_agency_only(demo):
    clerk = demo.user("vanthu.ldtbxh")
    department = demo.unit(LDTBXH)
    for action in (ISSUE_NUMBER, VOID_NUMBER):
        allowed = decide(clerk, action, unit=department)
        assert allowed, allowed.reason
        assert allowed.raise_if_refused().capacity == Capacity.OWN
    assert not decide(clerk, ISSUE_NUMBER, unit=demo.unit("Sở Văn hóa, Thể thao và Du lịch"))
    assert not decide(clerk, ISSUE_NUMBER, unit=_committee(demo))
    assert not decide(demo.user("chuyenvien.btxh"), ISSUE_NUMBER, unit=department)
    assert decide(demo.user("vanthu.vhttdl"), ISSUE_NUMBER, unit=_committee(demo))


def test_plan_of_the_department_gets_number_01(demo):
    today = timezone.localdate()
    entry = number_issue(
        agency=demo.unit(LDTBXH),
        kind=DocumentKind.objects.get(abbreviation="KH"),
        issued_on=today,
        user=demo.user("vanthu.ldtbxh"),
        subject_summary="Triển khai Phong trào “Toàn dân đoàn kết xây dựng đời sống văn hóa”",
    )
    assert entry.symbol == "01/KH-LĐTĐ&XH"
    decision = number_issue(
        agency=demo.unit(LDTBXH),
        kind=DocumentKind.objects.get(abbreviation="QĐ"),
        issued_on=today,
        user=demo.user("vanthu.ldtbxh"),
        subject_summary="Khen thưởng tập thể, cá nhân",
    )
    assert decision.symbol == "01/QĐ-LĐTĐ&XH"
    committee = number_issue(
        agency=_committee(demo),
        kind=DocumentKind.objects.get(abbreviation="KH"),
        issued_on=today,
        user=demo.user("vanthu.vhttdl"),
        subject_summary="Kế hoạch hoạt động của Ban Chỉ đạo",
    )
    # the committee's demo plan already took 01 of this year's committee register
    assert committee.symbol == "02/KH-BCĐ"
