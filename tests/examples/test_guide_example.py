"""The guide's example app (docs/guide-new-process.md) runs end to end on the engine alone.

A commune's culture officer drafts a movement result report and submits it; the division
head of the department reviews it; a deputy director approves it. Through the services,
the page and the API; wrong roles, wrong states and a passed due date are refused and
change nothing; the due date is the regulation's; the guide's code is the example's.
"""

from __future__ import annotations

import ast
import datetime
import sys

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from freezegun import freeze_time
from rest_framework.test import APIClient

from approvals.audit.models import AuditEvent
from approvals.exceptions import (
    ActionNotPermitted,
    DeadlinePassed,
    InvalidTransition,
    SeparationOfDutiesViolation,
)
from approvals.organisation.models import OrgUnit, Position, Role, UnitKind
from approvals.regulations.models import Regulation
from approvals.regulations.services import RuleSpec, regulation_version_create
from examples.movement_report.models import MovementReport, ReportPeriod, ReportState
from examples.movement_report.selectors import report_history
from examples.movement_report.services import (
    REGULATION,
    report_approve,
    report_create,
    report_due_on,
    report_review,
    report_submit,
)
from tests.examples.guide_includes import GUIDE, ROOT, includes, source_of

pytestmark = pytest.mark.urls("tests.examples.urls")

#: Monday 2 June 2025, 9:00 in Hà Nội: eight days before the 6-month reports are due.
MORNING = datetime.datetime(2025, 6, 2, 2, 0, tzinfo=datetime.UTC)
LABELS = [
    "Soạn báo cáo kết quả phong trào",
    "Gửi báo cáo kết quả phong trào",
    "Xem xét báo cáo (lãnh đạo phòng)",
    "Phê duyệt báo cáo (lãnh đạo Sở)",
]


class Province:
    """A province with its culture department (and one division) and two communes."""

    def __init__(self) -> None:
        def unit(name: str, code: str, kind: str, parent: OrgUnit | None = None) -> OrgUnit:
            return OrgUnit.objects.create(name=name, code=code, kind=kind, parent=parent)

        self.province = unit("UBND tỉnh Bắc Giang", "UBND", UnitKind.PROVINCE)
        self.department = unit(
            "Sở Văn hóa, Thể thao và Du lịch", "VHTTDL", UnitKind.DEPARTMENT, self.province
        )
        self.division = unit("Phòng Quản lý Văn hóa", "QLVH", UnitKind.DIVISION, self.department)
        self.commune = unit("Xã Tân Dĩnh", "UBND", UnitKind.COMMUNE, self.province)
        self.other_commune = unit("Xã Xuân Hương", "UBND", UnitKind.COMMUNE, self.province)

        def person(username: str, last: str, first: str, role: str, at: OrgUnit) -> object:
            user = get_user_model().objects.create_user(
                username=username, password="pw", last_name=last, first_name=first
            )
            Position.objects.create(
                user=user,
                unit=at,
                role=Role.objects.get(code=role),
                valid_from=datetime.date(2020, 1, 1),
            )
            return user

        self.officer = person("vh.tandinh", "Nguyễn Thị", "Hoa", "culture_officer", self.commune)
        self.other_officer = person(
            "vh.xuanhuong", "Trần Văn", "Bình", "culture_officer", self.other_commune
        )
        self.division_head = person("tp.qlvh", "Lê Văn", "Minh", "division_head", self.division)
        self.deputy_director = person(
            "pgd.vhttdl", "Phạm Thị", "Lan", "deputy_director", self.department
        )

    def draft(self, **fields: object) -> MovementReport:
        """A 6-month report of the commune for 2025, drafted by its culture officer."""
        values: dict[str, object] = {
            "user": self.officer,
            "unit": self.commune,
            "recipient": self.division,
            "year": 2025,
            "period": ReportPeriod.SEMIANNUAL,
            "text": "100% thôn xây dựng hương ước; 92% hộ đạt danh hiệu Gia đình văn hóa.",
        }
        values.update(fields)
        return report_create(**values)


@pytest.fixture
def p(db: None) -> Province:
    with freeze_time(MORNING):
        return Province()


def _events(report: MovementReport) -> list[AuditEvent]:
    return list(AuditEvent.objects.for_subject("movement_report.movementreport", str(report.pk)))


# --- through the services ----------------------------------------------------------------------


@freeze_time(MORNING)
def test_report_goes_from_draft_to_approved_through_the_services(p: Province) -> None:
    report = p.draft()
    report = report_submit(report=report, user=p.officer)
    report = report_review(report=report, user=p.division_head, comment="Số liệu khớp.")
    report = report_approve(report=report, user=p.deputy_director)

    report.refresh_from_db()
    assert report.state == ReportState.APPROVED
    assert [line.action for line in report_history(report=report)] == LABELS
    events = _events(report)
    assert [(e.from_state, e.to_state) for e in events] == [
        ("", "draft"),
        ("draft", "submitted"),
        ("submitted", "reviewed"),
        ("reviewed", "approved"),
    ]
    assert events[2].comment == "Số liệu khớp."
    assert events[3].actor_label == "Phạm Thị Lan"
    assert events[3].capacity == "KT"  # a deputy director acts for the director
    assert events[3].content_hash == report.content_hash()


@freeze_time(MORNING)
def test_a_wrong_role_is_refused_with_the_reason_and_nothing_changes(p: Province) -> None:
    report = report_submit(report=p.draft(), user=p.officer)
    before = len(_events(report))

    with pytest.raises(SeparationOfDutiesViolation) as refused:
        report_review(report=report, user=p.officer)  # she drafted it
    assert str(refused.value).startswith("Nguyễn Thị Hoa là người soạn thảo")
    with pytest.raises(InvalidTransition):
        report_approve(report=report, user=p.deputy_director)  # not reviewed yet
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED
    assert len(_events(report)) == before

    report = report_review(report=report, user=p.division_head)
    with pytest.raises(ActionNotPermitted):
        report_approve(report=report, user=p.division_head)  # a step the division does not hold
    report.refresh_from_db()
    assert report.state == ReportState.REVIEWED
    assert len(_events(report)) == before + 1


@freeze_time(MORNING)
def test_another_communes_officer_may_not_draft_or_submit_here(p: Province) -> None:
    with pytest.raises(ActionNotPermitted):
        p.draft(user=p.other_officer)
    report = p.draft()
    with pytest.raises(ActionNotPermitted):
        report_submit(report=report, user=p.other_officer)
    report.refresh_from_db()
    assert report.state == ReportState.DRAFT


# --- the regulation's rule -----------------------------------------------------------------------


def test_the_due_date_is_read_from_the_regulation_in_force(p: Province) -> None:
    with freeze_time(MORNING):
        first = p.draft()
        assert first.due_on == datetime.date(2025, 6, 10)
        assert first.due_on == report_due_on(
            unit=p.commune, year=2025, period=ReportPeriod.SEMIANNUAL, on=MORNING.date()
        )
        # the province gives its communes ten more days from today: a new version, not an edit
        regulation_version_create(
            regulation=Regulation.objects.get(code=REGULATION),
            label="Gia hạn báo cáo 6 tháng",
            effective_from=MORNING.date(),
            legal_basis="Công văn số 15/SVHTTDL-QLVH",
            rules=[RuleSpec("semiannual.due", "06-20", "month_day")],
            user=p.deputy_director,
            jurisdiction=p.province,
        )
        second = p.draft()

    assert second.due_on == datetime.date(2025, 6, 20)
    first.refresh_from_db()
    assert first.due_on == datetime.date(2025, 6, 10)  # a report keeps the rule it started under
    with freeze_time(datetime.datetime(2025, 6, 15, 2, 0, tzinfo=datetime.UTC)):
        report_submit(report=second, user=p.officer)
        with pytest.raises(DeadlinePassed):
            report_submit(report=first, user=p.officer)


def test_a_report_past_its_due_date_cannot_be_submitted(p: Province) -> None:
    with freeze_time(MORNING):
        report = p.draft()
    late = freeze_time(datetime.datetime(2025, 6, 11, 2, 0, tzinfo=datetime.UTC))
    with late, pytest.raises(DeadlinePassed) as refused:
        report_submit(report=report, user=p.officer)
    assert str(refused.value) == (
        "Hạn gửi báo cáo là ngày 10/06/2025; báo cáo không thể gửi được nữa."
    )
    report.refresh_from_db()
    assert report.state == ReportState.DRAFT
    assert len(_events(report)) == 1


# --- through the page --------------------------------------------------------------------------


@freeze_time(MORNING)
def test_the_page_takes_each_step_and_shows_the_reason_of_a_refusal(client, p: Province) -> None:
    client.force_login(p.officer)
    response = client.post(
        reverse("movement_report:list"),
        {
            "unit": p.commune.pk,
            "recipient": p.division.pk,
            "year": 2025,
            "period": ReportPeriod.SEMIANNUAL,
            "text": "Kết quả 6 tháng đầu năm.",
        },
    )
    report = MovementReport.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("movement_report:detail", args=[report.pk])
    step = reverse("movement_report:step", args=[report.pk])

    page = client.get(response.url).content.decode()
    assert "Thực hiện bước tiếp theo" in page
    client.post(step)
    page = client.get(response.url).content.decode()
    assert "Chờ lãnh đạo phòng xem xét" in page
    assert "Thực hiện bước tiếp theo" not in page  # the officer does not review
    assert 'class="why-not"' in page

    response = client.post(step, follow=True)  # tried anyway: refused with the reason
    assert "Nguyễn Thị Hoa" in response.content.decode()
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED

    for user in (p.division_head, p.deputy_director):
        client.force_login(user)
        client.post(step, {"comment": "Đồng ý."})
    page = client.get(reverse("movement_report:detail", args=[report.pk])).content.decode()
    assert "Đã phê duyệt" in page
    for label in LABELS:
        assert label in page

    client.force_login(p.other_officer)
    assert client.get(reverse("movement_report:detail", args=[report.pk])).status_code == 404


# --- through the API ---------------------------------------------------------------------------


@freeze_time(MORNING)
def test_the_api_takes_each_step_and_answers_refusals_with_the_engines_code(
    p: Province,
) -> None:
    api = APIClient()
    api.force_authenticate(p.officer)
    created = api.post(
        reverse("movement_report:api-report-list"),
        {
            "unit": p.commune.pk,
            "recipient": p.division.pk,
            "year": 2025,
            "period": "semiannual",
            "text": "Kết quả 6 tháng đầu năm.",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["due_on"] == "2025-06-10"

    def step(user: object, name: str) -> tuple[int, dict[str, str]]:
        api.force_authenticate(user)
        url = reverse(f"movement_report:api-report-{name}", args=[created.json()["id"]])
        response = api.post(url, {"comment": ""}, format="json")
        return response.status_code, response.json()

    assert step(p.officer, "submit")[1]["state"] == "submitted"
    status, body = step(p.officer, "review")  # the drafter never reviews her own report
    assert (status, body["code"]) == (403, "separation_of_duties")
    assert step(p.division_head, "review")[1]["state"] == "reviewed"
    status, body = step(p.division_head, "approve")
    assert (status, body["code"]) == (403, "not_permitted")
    assert step(p.deputy_director, "approve")[1]["state"] == "approved"
    status, body = step(p.deputy_director, "approve")
    assert (status, body["code"]) == (409, "wrong_state")
    assert step(p.other_officer, "submit")[0] == 404  # not even visible there

    assert MovementReport.objects.get().state == ReportState.APPROVED


def test_the_api_refuses_a_late_submission_with_a_conflict(p: Province) -> None:
    with freeze_time(MORNING):
        report = p.draft()
    api = APIClient()
    api.force_authenticate(p.officer)
    with freeze_time(datetime.datetime(2025, 6, 11, 2, 0, tzinfo=datetime.UTC)):
        response = api.post(
            reverse("movement_report:api-report-submit", args=[report.pk]), format="json"
        )
    assert (response.status_code, response.json()["code"]) == (409, "deadline_passed")


# --- the example stays an example of the engine alone, and the guide stays its copy ------------


EXAMPLE = ROOT / "examples"
ALLOWED = {"approvals", "examples", "django", "django_fsm", "rest_framework", "polib", "viewflow"}


def test_the_example_imports_only_the_engine_django_and_libraries() -> None:
    foreign = []
    for path in sorted(EXAMPLE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.partition(".")[0]
                if top not in ALLOWED and top not in sys.stdlib_module_names:
                    foreign.append(f"{path.relative_to(ROOT)}: {module}")
    assert not foreign


def test_the_example_is_installed_only_by_the_test_settings() -> None:
    from project import settings as site

    assert "examples.movement_report" not in site.INSTALLED_APPS


def test_the_guide_code_blocks_are_the_example_code() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    blocks = includes(text)
    assert len(blocks) >= 10, "the guide quotes the example through include markers"
    assert text.count("<!-- include:") == len(blocks), "a marker not followed by a code block"
    stale = [f"{b.path}{'::' + b.name if b.name else ''}" for b in blocks if b.body != source_of(b)]
    assert not stale, (
        f"guide blocks differ from the example: {stale}; "
        "run `python tests/examples/guide_includes.py` and reread the prose around them"
    )
    quoted = {b.path for b in blocks}
    for module in ("models.py", "services.py", "selectors.py", "views.py", "api.py", "urls.py"):
        assert f"examples/movement_report/{module}" in quoted, module
