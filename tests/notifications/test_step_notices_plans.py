"""A plan's steps tell whoever must act next, and tell the drafter what became of the plan."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from approvals.notifications.models import Notification, NotificationKind
from tests.plans.conftest import Province, new_plan
from workflows.plans.services import (
    plan_approve,
    plan_issue,
    plan_return,
    plan_sign,
    plan_submit,
)

pytestmark = pytest.mark.django_db

ACTION = NotificationKind.ACTION
OUTCOME = NotificationKind.OUTCOME


def told(since: int = 0) -> set[tuple[str, str]]:
    """(username, kind) of each notice written after the notice ``since``."""
    return set(Notification.objects.filter(pk__gt=since).values_list("recipient__username", "kind"))


def last() -> int:
    return Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def test_each_step_of_a_plan_tells_who_acts_next_and_the_drafter_its_outcome(
    province: Province,
) -> None:
    p = province
    plan = new_plan(p)
    url = reverse("plans:detail", args=[plan.pk])
    assert told() == set()  # a draft waits for its own drafter: nobody else hears of it

    plan_submit(plan=plan, user=plan.author)
    notices = list(Notification.objects.all())
    assert {(n.recipient.username, n.kind) for n in notices} == {("cvp.ldtbxh", ACTION)}
    assert notices[0].url == url
    assert notices[0].subject_type == "plans.plan"
    assert notices[0].subject_id == str(plan.pk)
    assert "chờ" in notices[0].title.lower()  # Vietnamese, the site's language

    mark = last()
    plan_approve(plan=plan, user=p.user("cvp.ldtbxh"))
    assert told(mark) == {("kiemtra.ldtbxh", ACTION), ("chuyenvien.vp.ldtbxh", OUTCOME)}

    mark = last()
    plan_return(plan=plan, user=p.user("kiemtra.ldtbxh"), comment="Sửa thể thức mục II")
    assert told(mark) == {("chuyenvien.vp.ldtbxh", OUTCOME)}
    returned = Notification.objects.get(pk__gt=mark)
    assert "Sửa thể thức mục II" in returned.body

    mark = last()
    plan_submit(plan=plan, user=plan.author)
    # back to the format check that returned it: the office checks it (its head too, who
    # was not told when he approved the division review himself)
    assert told(mark) == {("kiemtra.ldtbxh", ACTION), ("cvp.ldtbxh", ACTION)}

    mark = last()
    plan_approve(plan=plan, user=p.user("kiemtra.ldtbxh"))
    signers = {u for u, kind in told(mark) if kind == ACTION}
    assert signers
    assert "kiemtra.ldtbxh" not in signers
    assert ("chuyenvien.vp.ldtbxh", OUTCOME) in told(mark)

    mark = last()
    signer = p.user("pgd.ldtbxh")
    assert "pgd.ldtbxh" in signers
    plan_sign(plan=plan, user=signer)
    # the signer is not told of their own signature
    assert told(mark) == {("vanthu.ldtbxh", ACTION), ("chuyenvien.vp.ldtbxh", OUTCOME)}

    mark = last()
    plan_issue(plan=plan, user=p.user("vanthu.ldtbxh"))
    issued = told(mark)
    assert ("chuyenvien.vp.ldtbxh", OUTCOME) in issued
    # the recipient unit's people who acknowledge receipt are asked to
    assert {kind for _u, kind in issued - {("chuyenvien.vp.ldtbxh", OUTCOME)}} == {ACTION}
    plan.refresh_from_db()
    outcome = Notification.objects.get(pk__gt=mark, kind=OUTCOME)
    assert plan.register_entry.symbol in outcome.title


class Boom(Exception):
    pass


def test_a_step_rolled_back_leaves_no_notice_and_sends_no_mail(
    province: Province, django_capture_on_commit_callbacks: Any
) -> None:
    from django.db import transaction

    p = province
    plan = new_plan(p)
    reviewer = p.user("cvp.ldtbxh")
    reviewer.email = "cvp@example.vn"
    reviewer.save(update_fields=["email"])
    mail.outbox.clear()

    def submit_then_fail() -> None:
        with transaction.atomic():
            plan_submit(plan=plan, user=plan.author)
            raise Boom

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Boom):
        submit_then_fail()
    assert callbacks == []
    assert Notification.objects.count() == 0
    assert mail.outbox == []

    # the same step committed: the notice is kept and e-mailed once it commits
    with django_capture_on_commit_callbacks(execute=True):
        plan_submit(plan=plan, user=plan.author)
    assert told() == {("cvp.ldtbxh", ACTION)}
    assert [m.to for m in mail.outbox] == [["cvp@example.vn"]]
    assert str(plan.pk) in mail.outbox[0].body
    assert reverse("plans:detail", args=[plan.pk]) in mail.outbox[0].body


def test_a_consultation_asks_each_consulted_agency_then_the_signers(province: Province) -> None:
    from workflows.plans.services import consultation_answer

    p = province
    vhttdl = p.unit("Sở Văn hóa, Thể thao và Du lịch")
    bcd = p.child(p.dept.parent, "BCĐ")
    plan = new_plan(
        p, needs_consultation=True, consulted_agencies=[vhttdl, bcd], consultation_working_days=5
    )
    plan_submit(plan=plan, user=plan.author)
    plan_approve(plan=plan, user=p.user("cvp.ldtbxh"))
    mark = last()
    plan_approve(plan=plan, user=p.user("kiemtra.ldtbxh"))
    asked = {u for u, kind in told(mark) if kind == ACTION}
    # the people of both consulted agencies who may answer are asked for their opinion
    assert "pgd.vhttdl" in asked
    assert not asked & {"cvp.ldtbxh", "kiemtra.ldtbxh", "chuyenvien.vp.ldtbxh"}
    notice = Notification.objects.filter(pk__gt=mark, recipient__username="pgd.vhttdl").get()
    assert "đang chờ đồng chí góp ý" in notice.title
    # one agency answers: nobody new is asked while the other one has not
    mark = last()
    consultation_answer(
        consultation=plan.consultations.get(agency=vhttdl),
        user=p.user("pgd.vhttdl"),
        answer="Đồng ý",
    )
    assert told(mark) == set()
