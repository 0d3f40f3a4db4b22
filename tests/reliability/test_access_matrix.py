"""Access control matrix: role x relation of the actor's unit to the step's unit x action,
through the services and through the web pages, generated from one table.

The demo province is seeded once for the module (rolled back at the end); every case runs
in its own savepoint, so each starts from the same plans. A second small province is added
to stand for "other province". Adding a page (e.g. the nomination pages) is a row in
``WEB_ACTIONS``; adding a case is a row in ``MATRIX``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from approvals.exceptions import ActionNotPermitted, ApprovalError, SeparationOfDutiesViolation
from approvals.organisation.models import OrgUnit, Role, UnitKind
from approvals.registers.models import DocumentKind
from approvals.registers.services import register_configure
from tests.factories import OrgUnitFactory, PositionFactory, UserFactory
from tests.plans.conftest import Province, seed_004_content
from workflows.plans.flow_actions import flow_approve, flow_sign, flow_submit
from workflows.plans.models import Plan, PlanState
from workflows.plans.services import (
    plan_approve,
    plan_create,
    plan_edit,
    plan_issue,
    plan_return,
    plan_sign,
    plan_submit,
)

ISSUE_DAY = datetime.date(2024, 6, 3)


class Handles:
    """The plans of the matrix, one per state, and the people by username."""

    def __init__(self, plans: dict[str, int]) -> None:
        self.plans = plans

    def plan(self, state: str) -> Plan:
        return Plan.objects.get(pk=self.plans[state])

    @staticmethod
    def user(username: str) -> Any:
        return get_user_model().objects.get(username=username)


def _other_province() -> None:
    """Tỉnh Lạng Sơn: one department with its office, staffed with every plan role."""
    role = {r.code: r for r in Role.objects.all()}
    province = OrgUnitFactory(name="Tỉnh Lạng Sơn", code="UBND", kind=UnitKind.PROVINCE)
    dept = OrgUnitFactory(
        name="Sở Lao động - Thương binh và Xã hội", code="LĐTBXH", parent=province
    )
    office = OrgUnitFactory(
        name="Văn phòng Sở", code="VP", kind=UnitKind.DEPARTMENT_OFFICE, parent=dept
    )
    for username, code, unit in (
        ("ls.drafter", "drafter", office),
        ("ls.office_chief", "office_chief", office),
        ("ls.office_reviewer", "office_reviewer", office),
        ("ls.clerk", "records_clerk", office),
        ("ls.deputy", "deputy_director", dept),
        ("ls.director", "director", dept),
    ):
        PositionFactory(user=UserFactory(username=username), unit=unit, role=role[code])


def _plans() -> dict[str, int]:
    u = Handles.user
    dept = OrgUnit.objects.get(short_name="Sở LĐTBXH")
    register_configure(
        agency=dept,
        year=2024,
        name="Sổ văn bản đi 2024",
        kinds=list(DocumentKind.objects.filter(code="plan")),
        user=u("gd.ldtbxh"),
    )

    def fresh() -> Plan:
        return plan_create(
            user=u("chuyenvien.vp.ldtbxh"),
            issuing_agency=dept,
            drafting_unit=OrgUnit.objects.get(parent=dept, code="VP"),
            kind=DocumentKind.objects.get(code="plan"),
            year=2024,
            content=seed_004_content(Province()),
            recipient_units=[OrgUnit.objects.get(name="Sở Văn hóa, Thể thao và Du lịch")],
        )

    plans: dict[str, int] = {}
    steps: list[Callable[[Plan], Any]] = [
        lambda p: flow_submit(p, p.author),
        lambda p: flow_approve(p, u("cvp.ldtbxh")),
        lambda p: flow_approve(p, u("kiemtra.ldtbxh")),
        lambda p: flow_sign(p, u("pgd.ldtbxh")),
    ]
    for depth, state in enumerate(
        [
            PlanState.DRAFT,
            PlanState.DIVISION_REVIEW,
            PlanState.FORMAT_CHECK,
            PlanState.SIGNATURE,
            PlanState.SIGNED,
        ]
    ):
        plan = fresh()
        for step in steps[:depth]:
            step(Plan.objects.get(pk=plan.pk))
        assert Plan.objects.get(pk=plan.pk).state == state
        plans[str(state)] = plan.pk
    # (the plans are driven through their workflow, as the pages do)
    # The author of the plans also holds a leader's role: separation of duties must refuse.
    PositionFactory(
        user=u("chuyenvien.vp.ldtbxh"), unit=dept, role=Role.objects.get(code="deputy_director")
    )
    return plans


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[Handles]:
    """The demo province, a second province and five plans, written once for the module."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("seed_demo", "--no-logins", "--no-plans", stdout=StringIO())
            _other_province()
            handles = Handles(_plans())
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield handles
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


# --- the table -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    action: str  # a key of SERVICE_ACTIONS / WEB_ACTIONS
    username: str
    relation: str  # of the actor's unit to the unit where the step is decided
    allowed: bool
    refusal: type[ApprovalError] = ActionNotPermitted


#: action: (state the plan must be in, the service call, the state it reaches when allowed)
SERVICE_ACTIONS: dict[str, tuple[str, Callable[[Plan, Any], Any], str]] = {
    "edit": (
        PlanState.DRAFT,
        lambda p, u: plan_edit(plan=p, user=u, content={**p.current_revision.content, "x": 1}),
        PlanState.DRAFT,
    ),
    "submit": (
        PlanState.DRAFT,
        lambda p, u: plan_submit(plan=p, user=u),
        PlanState.DIVISION_REVIEW,
    ),
    "review": (
        PlanState.DIVISION_REVIEW,
        lambda p, u: plan_approve(plan=p, user=u),
        PlanState.FORMAT_CHECK,
    ),
    "return-at-review": (
        PlanState.DIVISION_REVIEW,
        lambda p, u: plan_return(plan=p, user=u, comment="Sửa mục II"),
        PlanState.DRAFT,
    ),
    "format-check": (
        PlanState.FORMAT_CHECK,
        lambda p, u: plan_approve(plan=p, user=u),
        PlanState.SIGNATURE,
    ),
    "sign": (PlanState.SIGNATURE, lambda p, u: plan_sign(plan=p, user=u), PlanState.SIGNED),
    "issue": (
        PlanState.SIGNED,
        lambda p, u: plan_issue(plan=p, user=u, issued_on=ISSUE_DAY),
        PlanState.IN_FORCE,
    ),
}

SAME, PARENT, CHILD, SIBLING, OTHER = (
    "same-unit",
    "parent",
    "child",
    "sibling",
    "other-province",
)

MATRIX: list[Case] = [
    # drafting, at the drafting division (Văn phòng Sở)
    Case("edit", "chuyenvien.vp.ldtbxh", SAME, True),
    Case("edit", "chuyenvien.btxh", SIBLING, False),
    Case("edit", "gd.ldtbxh", PARENT, False),
    Case("edit", "ls.drafter", OTHER, False),
    Case("submit", "chuyenvien.vp.ldtbxh", SAME, True),
    Case("submit", "chuyenvien.btxh", SIBLING, False),
    Case("submit", "gd.ldtbxh", PARENT, False),
    Case("submit", "ls.drafter", OTHER, False),
    # division review, at the drafting division
    Case("review", "cvp.ldtbxh", SAME, True),
    Case("review", "tp.btxh", SIBLING, False),
    Case("review", "gd.ldtbxh", PARENT, False),
    Case("review", "chuyenvien.vp.ldtbxh", SAME, False, SeparationOfDutiesViolation),
    Case("review", "ls.office_chief", OTHER, False),
    Case("return-at-review", "cvp.ldtbxh", SAME, True),
    Case("return-at-review", "tp.btxh", SIBLING, False),
    Case("return-at-review", "ls.office_chief", OTHER, False),
    # format check, at the department office
    Case("format-check", "kiemtra.ldtbxh", SAME, True),
    Case("format-check", "tp.btxh", SIBLING, False),
    Case("format-check", "pgd.vhttdl", OTHER + "-department", False),
    Case("format-check", "ls.office_reviewer", OTHER, False),
    # signature, at the issuing department
    Case("sign", "pgd.ldtbxh", SAME, True),
    Case("sign", "gd.ldtbxh", SAME, True),
    Case("sign", "chuyenvien.vp.ldtbxh", SAME, False, SeparationOfDutiesViolation),
    Case("sign", "tp.btxh", CHILD, False),
    Case("sign", "pgd.vhttdl", SIBLING, False),
    Case("sign", "chutich.tinh", PARENT, False),
    Case("sign", "ls.deputy", OTHER, False),
    Case("sign", "ls.director", OTHER, False),
    # numbering and dispatch, at the issuing department (its clerk sits in the office)
    Case("issue", "vanthu.ldtbxh", CHILD, True),
    Case("issue", "gd.ldtbxh", SAME, False),
    Case("issue", "vanthu.vhttdl", SIBLING, False),
    Case("issue", "ls.clerk", OTHER, False),
]


def case_id(case: Case, number: int, total: int) -> str:
    verdict = "allowed" if case.allowed else "refused"
    return f"{number:02d}of{total}-{case.action}-{case.username}-{case.relation}-{verdict}"


SERVICE_IDS = [case_id(c, n, len(MATRIX)) for n, c in enumerate(MATRIX, 1)]


@pytest.mark.django_db
@pytest.mark.parametrize("case", MATRIX, ids=SERVICE_IDS)
def test_service_matrix(world, case, clock):
    state, call, reached = SERVICE_ACTIONS[case.action]
    plan = world.plan(state)
    user = world.user(case.username)
    if case.action == "issue":
        clock.to(ISSUE_DAY)  # an issue is dated the day it is recorded (approvals.acts)
    if case.allowed:
        call(plan, user)
        assert Plan.objects.get(pk=plan.pk).state == reached
    else:
        with pytest.raises(case.refusal):
            call(plan, user)
        assert Plan.objects.get(pk=plan.pk).state == state


# --- the same table through the pages ----------------------------------------------------------

#: action: (URL of the POST with {pk}, form data). Nomination pages: add their rows here.
WEB_ACTIONS: dict[str, tuple[str, dict[str, str]]] = {
    "submit": ("/plans/{pk}/submit/", {}),
    "review": ("/plans/{pk}/approve/", {"comment": ""}),
    "return-at-review": ("/plans/{pk}/return/", {"comment": "Sửa mục II"}),
    "format-check": ("/plans/{pk}/approve/", {"comment": ""}),
    "sign": ("/plans/{pk}/sign/", {"comment": ""}),
    "issue": ("/plans/{pk}/issue/", {}),
}

WEB_MATRIX = [c for c in MATRIX if c.action in WEB_ACTIONS]
WEB_IDS = [case_id(c, n, len(WEB_MATRIX)) for n, c in enumerate(WEB_MATRIX, 1)]


@pytest.mark.django_db
@pytest.mark.parametrize("case", WEB_MATRIX, ids=WEB_IDS)
def test_web_matrix(world, case):
    state, _call, reached = SERVICE_ACTIONS[case.action]
    plan = world.plan(state)
    url, data = WEB_ACTIONS[case.action]
    client = Client(raise_request_exception=False)
    client.force_login(world.user(case.username))

    response = client.post(url.format(pk=plan.pk), data)

    after = Plan.objects.get(pk=plan.pk).state
    if case.allowed:
        assert response.status_code == 302
        assert after == reached
    else:
        # either the plan is out of the user's sight (404) or the refusal is shown on it
        assert response.status_code in (302, 403, 404), response.status_code
        assert after == state


# --- guessed IDs of another province's plans ---------------------------------------------------

PLAN_URLS = [
    ("get", "/plans/{pk}/"),
    ("get", "/plans/{pk}/edit/"),
    ("get", "/plans/{pk}/document.pdf"),
    ("get", "/plans/{pk}/document.docx"),
    ("get", "/plans/{pk}/attachments/1/"),
    ("post", "/plans/{pk}/attachments/"),
    ("post", "/plans/{pk}/attachments/1/remove/"),
    ("post", "/plans/{pk}/submit/"),
    ("post", "/plans/{pk}/approve/"),
    ("post", "/plans/{pk}/return/"),
    ("post", "/plans/{pk}/sign/"),
    ("post", "/plans/{pk}/issue/"),
    ("post", "/plans/{pk}/withdraw/"),
    ("post", "/plans/{pk}/consultations/1/answer/"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "url"),
    PLAN_URLS,
    ids=[f"{n:02d}of{len(PLAN_URLS)}-{m}-{u}" for n, (m, u) in enumerate(PLAN_URLS, 1)],
)
@pytest.mark.parametrize("username", ["ls.director", "ls.clerk", "chutich.damai"])
def test_another_units_plan_ids_answer_404(world, method, url, username):
    client = Client(raise_request_exception=False)
    client.force_login(world.user(username))
    for state, pk in world.plans.items():
        response = getattr(client, method)(url.format(pk=pk), {"comment": "x"})
        assert response.status_code in (403, 404), (state, response.status_code)
        assert Plan.objects.get(pk=pk).state == state


# --- delegation: in its term, after its end, and passed on ------------------------------------

DELEGATION_CASES = ["in-term-allowed", "after-end-refused", "re-delegated-refused"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "case",
    DELEGATION_CASES,
    ids=[f"{n}of{len(DELEGATION_CASES)}-{c}" for n, c in enumerate(DELEGATION_CASES, 1)],
)
def test_delegated_signature_through_the_services(world, case):
    from django.utils import timezone

    from approvals.delegations import delegation_create
    from approvals.exceptions import DelegationExpired, DelegationInvalid
    from approvals.organisation.models import Action, Capacity, Position

    today = timezone.localdate()
    director, delegate = world.user("gd.ldtbxh"), world.user("tp.btxh")
    sign = Action.objects.get(code="plans.sign_plan")
    position = Position.objects.get(user=director, role__code="director")
    ended = case == "after-end-refused"
    delegation_create(
        delegator=director,
        delegator_position=position,
        delegate=delegate,
        actions=[sign],
        instrument="Giấy ủy quyền số 07/GUQ-LĐTĐ&XH",
        valid_from=today - datetime.timedelta(days=30),
        valid_to=today - datetime.timedelta(days=1) if ended else today,
    )
    plan = world.plan(PlanState.SIGNATURE)

    if case == "in-term-allowed":
        signed = plan_sign(plan=plan, user=delegate)
        assert signed.signature.capacity == Capacity.TUQ
        assert Plan.objects.get(pk=plan.pk).state == PlanState.SIGNED
    elif case == "after-end-refused":
        with pytest.raises(DelegationExpired):
            plan_sign(plan=plan, user=delegate)
        assert Plan.objects.get(pk=plan.pk).state == PlanState.SIGNATURE
    else:
        # the delegate passes the received right on to a drafter of his division: refused
        own = Position.objects.get(user=delegate, role__code="division_head")
        with pytest.raises(DelegationInvalid):
            delegation_create(
                delegator=delegate,
                delegator_position=own,
                delegate=world.user("chuyenvien.btxh"),
                actions=[sign],
                instrument="Giấy ủy quyền lại",
                valid_from=today,
                valid_to=today,
            )
        with pytest.raises(ActionNotPermitted):
            plan_sign(plan=plan, user=world.user("chuyenvien.btxh"))
