"""Every change to a plan goes through these services.

Each runs in one transaction, locks the plan row (so two leaders pressing "sign"
together leave one signature), checks the state and the actor's authority through the
engine, and writes its audit event. The modules follow the plan's road: :mod:`.drafting`,
:mod:`.reviews`, :mod:`.consultation`, :mod:`.issue` (signature, number, dispatch),
:mod:`.reports` (in force, closure) and :mod:`.attachments`; :mod:`.steps` and
:mod:`.clock` hold what they share.
"""

from __future__ import annotations

from workflows.plans.services.attachments import plan_attach, plan_detach
from workflows.plans.services.clock import STEP_PERIODS, STEP_PURPOSE, step_deadline
from workflows.plans.services.consultation import consultation_answer, consultation_close_due
from workflows.plans.services.drafting import (
    Addressing,
    plan_create,
    plan_edit,
    plan_submit,
    plan_withdraw,
)
from workflows.plans.services.issue import dispatch_acknowledge, plan_issue, plan_sign
from workflows.plans.services.reports import plan_close, report_submit
from workflows.plans.services.reviews import plan_approve, plan_return
from workflows.plans.services.steps import (
    ACKNOWLEDGE,
    ANSWER,
    CLOSE,
    DRAFT,
    FORMAT,
    ISSUE,
    PROCESSING,
    REPORT,
    REVIEW,
    SIGN,
    STEP_ACTION,
    step_unit,
)

__all__ = [
    "ACKNOWLEDGE",
    "ANSWER",
    "CLOSE",
    "DRAFT",
    "FORMAT",
    "ISSUE",
    "PROCESSING",
    "REPORT",
    "REVIEW",
    "SIGN",
    "STEP_ACTION",
    "STEP_PERIODS",
    "STEP_PURPOSE",
    "Addressing",
    "consultation_answer",
    "consultation_close_due",
    "dispatch_acknowledge",
    "plan_approve",
    "plan_attach",
    "plan_close",
    "plan_create",
    "plan_detach",
    "plan_edit",
    "plan_issue",
    "plan_return",
    "plan_sign",
    "plan_submit",
    "plan_withdraw",
    "report_submit",
    "step_deadline",
    "step_unit",
]
