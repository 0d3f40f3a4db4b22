"""The seeded demo with one plan parked in each state of the plan road and one dossier in
each state of the nomination road, every step taken through the flows as its holder would.

Used by the page crawl (``test_page_crawl.py``): one database holds every state at once, so
each login crawls once and meets every state it may see.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from approvals.acts import recorded_as_of
from approvals.organisation.models import OrgUnit
from approvals.organisation.selectors import action_holders
from approvals.registers.models import DocumentKind
from project.demo.plans import department_plan_content
from tests.documents.samples import attachment_pdf
from workflows.nominations import flow_actions as dossier_flow
from workflows.nominations.models import CandidateState, Dossier, Household, Title
from workflows.nominations.services import (
    APPRAISE,
    DECIDE,
    PAPER_DECISION,
    REGISTER,
    REVOKE,
    candidate_revoke,
    dossier_create,
    dossier_rules,
)
from workflows.plans import flow_actions as plan_flow
from workflows.plans.models import Plan
from workflows.plans.services import dispatch_acknowledge, plan_attach, plan_create, report_submit

DEPT = "Sở Lao động - Thương binh và Xã hội"
VHTTDL = "Sở Văn hóa, Thể thao và Du lịch"
BCD_SHORT = "BCĐ Phong trào tỉnh"

#: The plan road's people at Sở LĐTBXH (usernames of project/demo/data.py).
DRAFTER = "chuyenvien.vp.ldtbxh"
DIVISION_HEAD = "cvp.ldtbxh"
OFFICE = "kiemtra.ldtbxh"
SIGNER = "gd.ldtbxh"
CLERK = "vanthu.ldtbxh"
SECRETARY = "thuky.bcd"
VHTTDL_LEADER = "gd.vhttdl"


def user(username: str) -> Any:
    return get_user_model().objects.get(username=username)


def _unit(name: str, parent: str | None = None) -> OrgUnit:
    units = OrgUnit.objects.filter(name=name)
    if parent is not None:
        units = units.filter(parent__name=parent)
    return units.get()


class PlanRoad:
    """Plans of Sở LĐTBXH, one per state; ``states`` maps a label to the plan."""

    def __init__(self) -> None:
        self.dept = _unit(DEPT)
        self.office = _unit("Văn phòng Sở", DEPT)
        self.vhttdl = _unit(VHTTDL)
        self.bcd = OrgUnit.objects.get(short_name=BCD_SHORT)
        self.kind = DocumentKind.objects.get(code="plan")
        self.year = timezone.localdate().year
        self.states: dict[str, Plan] = {}

    def new(self, label: str, *, consulted: tuple[OrgUnit, ...] = ()) -> Plan:
        plan = plan_create(
            user=user(DRAFTER),
            issuing_agency=self.dept,
            drafting_unit=self.office,
            kind=self.kind,
            year=self.year,
            content=department_plan_content(self.dept, self.year, basis=f"Căn cứ ({label})."),
            recipient_units=[self.vhttdl],
            needs_consultation=bool(consulted),
            consulted_agencies=list(consulted),
            consultation_working_days=5 if consulted else 0,
        )
        self.states[label] = plan
        return plan

    def reviewed(self, label: str, *, consulted: tuple[OrgUnit, ...] = ()) -> Plan:
        plan = self.new(label, consulted=consulted)
        plan_flow.flow_submit(plan, user(DRAFTER))
        plan_flow.flow_approve(plan, user(DIVISION_HEAD))
        plan_flow.flow_approve(plan, user(OFFICE))
        return plan

    def build(self) -> dict[str, Plan]:
        # the consultation closed by its deadline first: the job closes every due one
        closed_late = self.reviewed("consultation closed unanswered", consulted=(self.bcd,))
        plan_flow.flow_close_due_consultations(
            on=timezone.localdate() + datetime.timedelta(days=30)
        )
        draft = self.new("draft")
        plan_attach(
            plan=draft,
            user=user(DRAFTER),
            upload=SimpleUploadedFile("to-trinh.pdf", attachment_pdf(), "application/pdf"),
        )
        plan_flow.flow_submit(self.new("division review"), user(DRAFTER))
        format_check = self.new("format check")
        plan_flow.flow_submit(format_check, user(DRAFTER))
        plan_flow.flow_approve(format_check, user(DIVISION_HEAD))
        returned = self.new("returned")
        plan_flow.flow_submit(returned, user(DRAFTER))
        plan_flow.flow_return(returned, user(DIVISION_HEAD), comment="Bổ sung căn cứ.")
        self.reviewed("consultation pending", consulted=(self.bcd, self.vhttdl))
        half = self.reviewed("consultation half answered", consulted=(self.bcd, self.vhttdl))
        plan_flow.flow_answer(
            half.consultations.get(agency=self.bcd), user(SECRETARY), answer="Nhất trí."
        )
        answered = self.reviewed("consultation answered, at signature", consulted=(self.bcd,))
        plan_flow.flow_answer(answered.consultations.get(), user(SECRETARY), answer="Nhất trí.")
        back = self.reviewed("returned from consultation", consulted=(self.bcd,))
        plan_flow.flow_return(back, user(DIVISION_HEAD), comment="Đề nghị bổ sung chỉ tiêu.")
        self.reviewed("signature")
        signed = self.reviewed("signed")
        plan_flow.flow_sign(signed, user(SIGNER))
        # consulted (the step closed by the job), then signed and issued
        plan_flow.flow_sign(closed_late, user(SIGNER))
        plan_flow.flow_issue(closed_late, user(CLERK))
        acknowledged = self.reviewed("in force, acknowledged")
        plan_flow.flow_sign(acknowledged, user(SIGNER))
        plan_flow.flow_issue(acknowledged, user(CLERK))
        for dispatch in acknowledged.dispatches.all():
            dispatch_acknowledge(
                dispatch=dispatch, user=self.holder("plans.acknowledge_plan", dispatch.unit)
            )
        closed = self.reviewed("closed")
        plan_flow.flow_sign(closed, user(SIGNER))
        plan_flow.flow_issue(closed, user(CLERK))
        self._reports_in(closed)
        plan_flow.flow_close(
            closed, self.holder("plans.close_plan", closed.issuing_agency), comment="Hoàn thành."
        )
        withdrawn = self.new("withdrawn")
        plan_flow.flow_submit(withdrawn, user(DRAFTER))
        plan_flow.flow_withdraw(withdrawn, user(DRAFTER), comment="Không ban hành nữa.")
        for plan in self.states.values():
            plan.refresh_from_db()
        return self.states

    @staticmethod
    def holder(action: str, unit: OrgUnit) -> Any:
        positions = action_holders(action_code=action, unit=unit, day=timezone.localdate())
        assert positions, f"nobody may {action} at {unit}"
        return positions[0].user

    def _reports_in(self, plan: Plan) -> None:
        # compiled reports last: the units' own reports roll up into them
        for report in plan.reports.order_by("-recipient_id", "pk"):
            report_submit(
                report=report,
                user=self.holder("plans.submit_report", report.unit),
                text="Báo cáo kết quả thực hiện.",
            )


#: Tân Dĩnh's villages (numbered decisions: the commune has a register) and Đa Mai's groups.
COMMUNE = "Xã Tân Dĩnh"
WARD = "Phường Đa Mai"


class DossierRoad:
    """Cultural-family dossiers of the demo's villages, one per state, dated back from today."""

    def __init__(self) -> None:
        self.today = timezone.localdate()
        self.states: dict[str, Dossier] = {}

    def day(self, days_ago: int) -> datetime.date:
        return self.today - datetime.timedelta(days=days_ago)

    @staticmethod
    def head_of(village: OrgUnit) -> Any:
        return PlanRoad.holder(REGISTER, village)

    def opened(self, label: str, village: OrgUnit, *, year: int | None = None) -> Dossier:
        head = self.head_of(village)
        dossier = dossier_create(
            user=head,
            title=Title.CULTURAL_FAMILY,
            year=year or self.today.year,
            proposing_unit=village,
            on=self.day(40),
        )
        dossier_flow.flow_start(dossier, head)
        households = list(Household.objects.filter(village=village).order_by("pk"))
        dossier_flow.flow_register(dossier, head, households=households, on=self.day(40))
        self.states[label] = dossier
        return dossier

    def met(
        self,
        label: str,
        village: OrgUnit,
        *,
        inquorate_first: bool = False,
        year: int | None = None,
    ) -> Dossier:
        dossier = self.opened(label, village, year=year)
        votes = {c.pk: 15 for c in dossier.candidates.all()}
        # Past acts of the built history are recorded as of their days (approvals.acts),
        # as the demo it starts from records its own.
        if inquorate_first:  # 8 of 20 came: kept as held, no vote counted
            with recorded_as_of(self.day(37)):
                dossier_flow.flow_meeting(
                    dossier,
                    self.head_of(village),
                    held_on=self.day(37),
                    invited=20,
                    present=8,
                    votes={},
                    chaired_by="Ngô Văn Bình",
                    minutes="Không đủ số hộ dự họp.",
                )
        with recorded_as_of(self.day(35)):
            dossier_flow.flow_meeting(
                dossier,
                self.head_of(village),
                held_on=self.day(35),
                invited=20,
                present=16,
                votes=votes,
                chaired_by="Ngô Văn Bình",
            )
        return dossier

    def posted(self, label: str, village: OrgUnit, *, year: int | None = None) -> Dossier:
        dossier = self.met(label, village, year=year)
        with recorded_as_of(self.day(34)):
            dossier_flow.flow_open_posting(dossier, self.head_of(village), on=self.day(34))
        return dossier

    def submitted(self, label: str, village: OrgUnit, *, year: int | None = None) -> Dossier:
        dossier = self.posted(label, village, year=year)
        dossier_flow.flow_submit(dossier, self.head_of(village), on=self.day(3))
        return dossier

    def villages(self, label: str, commune: OrgUnit, *, council: bool) -> Dossier:
        """The commune proposes its villages; with ``council`` they are registered and the
        commune's emulation council is due."""
        officer = PlanRoad.holder(REGISTER, commune)
        dossier = dossier_create(
            user=officer,
            title=Title.CULTURAL_VILLAGE,
            year=self.today.year,
            proposing_unit=commune,
            on=self.day(30),
        )
        dossier_flow.flow_start(dossier, officer)
        if council:
            villages = list(OrgUnit.objects.filter(parent=commune).order_by("pk"))
            dossier_flow.flow_register(dossier, officer, units=villages, on=self.day(30))
        self.states[label] = dossier
        return dossier

    def build(self) -> dict[str, Dossier]:
        commune, ward = _unit(COMMUNE), _unit(WARD)
        ha, trung, thuong, dongsen = (
            _unit(name, COMMUNE)
            for name in ("Thôn Hạ", "Thôn Trung", "Thôn Thượng", "Thôn Đồng Sen")
        )
        tanmy, maison, thanhmai = (
            _unit(name, WARD)
            for name in ("Tổ dân phố Tân Mỹ", "Tổ dân phố Mai Sơn", "Tổ dân phố Thanh Mai")
        )
        officer = PlanRoad.holder(APPRAISE, commune)
        chairman = PlanRoad.holder(DECIDE, commune)
        self.villages("registration (nothing registered)", ward, council=False)
        self.villages("registered, the commune council due", commune, council=True)
        self.met("meeting held after an inquorate one", tanmy, inquorate_first=True)
        self.posted("posting", maison)
        self.submitted("submitted", thanhmai)
        returned = self.submitted("returned for supplement", thuong)
        dossier_flow.flow_return(returned, officer, comment="Bổ sung biên bản họp.")
        awaiting = self.submitted("awaiting the decision", trung)
        dossier_flow.flow_accept(awaiting, officer)
        signed = self.submitted("decision signed, not numbered", ha)
        dossier_flow.flow_accept(signed, officer)
        dossier_flow.flow_decide(signed, chairman)
        # last year's dossier of Thôn Trung, decided on paper and recorded after the fact
        paper = self.submitted("decided on paper", trung, year=self.today.year - 1)
        dossier_flow.flow_accept(paper, officer)
        dossier_flow.flow_paper_decision(
            paper,
            PlanRoad.holder(PAPER_DECISION, commune),
            number=99,
            signed_on=self.day(2),
            signer=chairman,
            scan=SimpleUploadedFile("qd.pdf", attachment_pdf("Quyết định"), "application/pdf"),
        )
        # the demo's own Đồng Sen dossier is decided, signed and numbered (rundemo leaves a
        # digitally issued decision); it is the numbered state here, one title revoked
        decided = Dossier.objects.get(
            proposing_unit=dongsen, title=Title.CULTURAL_FAMILY, year=self.today.year
        )
        assert decided.register_entry_id is not None
        self.states["decided, one title revoked"] = decided
        revoked = decided.candidates.filter(state=CandidateState.RECOGNISED).order_by("pk").first()
        assert revoked is not None
        ground = str(dossier_rules(decided).get("title.revocation_grounds")[0])
        candidate_revoke(
            candidate=revoked,
            user=PlanRoad.holder(REVOKE, commune),
            ground=ground,
            note="Vi phạm cam kết.",
        )
        for dossier in self.states.values():
            dossier.refresh_from_db()
        return self.states
