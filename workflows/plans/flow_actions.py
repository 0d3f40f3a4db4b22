"""Take a plan's steps through its flow: the programmatic API for tests, views and the API.

Each function runs in one transaction under the process lock. It finds the open task of
the plan's current step, asks the engine whether the user may take it (viewflow's
activations check nothing), assigns and starts the task, calls the plan service (which
checks again, moves the FSM state and writes the audit event) and completes the task; the
flow then routes itself to the task the new state calls for. A refusal rolls everything
back: the task stays exactly as it was, unassigned if it was free.

Lock order is always the process row, then the plan row (the services lock the plan).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from typing import Any, NoReturn, TypeVar

from django.db import transaction
from django.utils.translation import gettext as _
from viewflow.workflow.exceptions import FlowRuntimeError
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from approvals.exceptions import ActionNotPermitted, InvalidTransition
from approvals.organisation.resolver import decisions_reused, user_label
from approvals.steps import one_step
from workflows.plans import esign
from workflows.plans.flows import PlanFlow, PlanProcess, state_known
from workflows.plans.models import Consultation, Plan, PlanState
from workflows.plans.services import (
    consultation_answer,
    consultation_close_due,
    plan_approve,
    plan_close,
    plan_issue,
    plan_return,
    plan_sign,
    plan_submit,
    plan_withdraw,
)

T = TypeVar("T")

#: The flow nodes whose tasks are open while the plan is in each state.
STATE_NODES: dict[str, tuple[Any, ...]] = {
    PlanState.DRAFT: (PlanFlow.revise,),
    PlanState.DIVISION_REVIEW: (PlanFlow.division_review,),
    PlanState.FORMAT_CHECK: (PlanFlow.format_check,),
    PlanState.CONSULTATION: (PlanFlow.answer, PlanFlow.answers_in),
    PlanState.SIGNATURE: (PlanFlow.sign,),
    PlanState.SIGNED: (PlanFlow.register,),
    PlanState.IN_FORCE: (PlanFlow.final_review,),
    PlanState.CLOSED: (),
    PlanState.WITHDRAWN: (),
}

_REVIEWS = (PlanFlow.division_review, PlanFlow.format_check)


def plan_process(plan: Plan) -> PlanProcess | None:
    """The plan's workflow, or None before its first submission."""
    process: PlanProcess | None = PlanProcess.objects.filter(plan_id=plan.pk).first()
    return process


def flow_open_tasks(plan: Plan) -> list[Task]:
    """The unfinished tasks of the plan's workflow, oldest first."""
    return list(
        Task.objects.filter(process__planprocess__plan_id=plan.pk, finished__isnull=True)
        .select_related("owner")
        .order_by("pk")
    )


# --- the steps -----------------------------------------------------------------------------


def flow_submit(plan: Plan, user: Any, *, comment: str = "") -> Plan:
    """The drafter submits: the first time this starts the plan's workflow."""

    def perform() -> Plan:
        return plan_submit(plan=plan, user=user, comment=comment)

    with one_step():
        if _find_process_pk(plan.pk) is None:
            submitted = perform()
            with state_known(submitted):
                PlanFlow.start.run(plan=submitted, user=user)
            return submitted
        return _human_step(plan.pk, user, (PlanFlow.revise,), perform)


def flow_approve(
    plan: Plan,
    user: Any,
    *,
    comment: str = "",
    seen_revision: int | None = None,
    seen_state: str | None = None,
) -> Plan:
    """The division head or the office approves the current revision.

    ``seen_revision`` and ``seen_state`` are what the reviewer's page showed: when the
    plan has moved on since, the step is refused as out of date (see :func:`_human_step`).
    """
    return _human_step(
        plan.pk,
        user,
        _REVIEWS,
        lambda: plan_approve(plan=plan, user=user, comment=comment, seen_revision=seen_revision),
        seen_state=seen_state,
    )


def flow_return(
    plan: Plan,
    user: Any,
    *,
    comment: str,
    seen_revision: int | None = None,
    seen_state: str | None = None,
) -> Plan:
    """A review, the consultation or the signature sends the plan back to its drafter."""
    return _human_step(
        plan.pk,
        user,
        (*_REVIEWS, PlanFlow.sign),
        lambda: plan_return(plan=plan, user=user, comment=comment, seen_revision=seen_revision),
        during_consultation=True,
        seen_state=seen_state,
    )


def flow_answer(
    consultation: Consultation, user: Any, *, answer: str, on: datetime.date | None = None
) -> Consultation:
    """A consulted agency answers; a late answer is kept (and marked late by the service)."""
    with transaction.atomic():
        process_pk = _process_pk(consultation.plan_id)
        with PlanFlow.lock(process_pk):
            tasks = _open(process_pk, (PlanFlow.answer,), data__consultation=consultation.pk)
            if not tasks:
                _out_of_step(
                    lambda: consultation_answer(
                        consultation=consultation, user=user, answer=answer, on=on
                    )
                )
            task = tasks[0]
            PlanFlow.answer.decision(user, task).raise_if_refused()
            activation = task.flow_task.activation_class(task)
            answered: Consultation = activation.run(
                PlanFlow.instance.record_answer,
                consultation=consultation,
                user=user,
                answer=answer,
                on=on,
            )
            activation.execute()
            return answered


def flow_close_due_consultations(*, on: datetime.date | None = None) -> list[Plan]:
    """Close every consultation whose deadlines have all passed, and move their flows on."""
    with transaction.atomic():
        candidates = PlanProcess.objects.filter(
            plan__state=PlanState.CONSULTATION, finished__isnull=True
        ).order_by("pk")
        for process_pk in candidates.values_list("pk", flat=True):
            # Take the process rows first (the lock order of every flow action); the row
            # locks last until this transaction ends.
            with PlanFlow.lock(process_pk):
                pass
        closed = consultation_close_due(on=on)
        processes = dict(PlanProcess.objects.filter(plan__in=closed).values_list("plan_id", "pk"))
        for plan in closed:
            process_pk = processes.get(plan.pk)
            if process_pk is None:  # a plan moved by the bare services, without a workflow
                continue
            with PlanFlow.lock(process_pk):
                _settle(_open(process_pk, (PlanFlow.answer,)))
    return closed


@esign.refusal_recorded(esign.SIGN_REFUSED)
def flow_sign(
    plan: Plan,
    user: Any,
    *,
    comment: str = "",
    seen_revision: int | None = None,
    seen_state: str | None = None,
    pin: str | None = None,
) -> Plan:
    """A competent leader signs the current revision (``pin``: of their token)."""
    return _human_step(
        plan.pk,
        user,
        (PlanFlow.sign,),
        lambda: plan_sign(
            plan=plan, user=user, comment=comment, seen_revision=seen_revision, pin=pin
        ),
        seen_state=seen_state,
    )


@esign.refusal_recorded(esign.ISSUE_REFUSED)
def flow_issue(plan: Plan, user: Any, *, issued_on: datetime.date | None = None) -> Plan:
    """The records clerk numbers, dates, dispatches and files the signed plan."""
    return _human_step(
        plan.pk,
        user,
        (PlanFlow.register,),
        lambda: plan_issue(plan=plan, user=user, issued_on=issued_on),
    )


def flow_close(plan: Plan, user: Any, *, comment: str) -> Plan:
    """The final review closes the plan; the workflow ends."""
    return _human_step(
        plan.pk,
        user,
        (PlanFlow.final_review,),
        lambda: plan_close(plan=plan, user=user, comment=comment),
    )


def flow_withdraw(plan: Plan, user: Any, *, comment: str = "") -> Plan:
    """The drafter withdraws the plan: its open tasks are canceled and so is the workflow."""
    with transaction.atomic():
        process_pk = _find_process_pk(plan.pk)
        if process_pk is None:
            return plan_withdraw(plan=plan, user=user, comment=comment)
        with PlanFlow.lock(process_pk):
            withdrawn = plan_withdraw(plan=plan, user=user, comment=comment)
            activations = [
                task.flow_task.activation_class(task) for task in _open(process_pk, None)
            ]
            for activation in activations:
                activation.cancel()
            _reroute(activations)
            return withdrawn


# --- machinery -----------------------------------------------------------------------------


def _find_process_pk(plan_id: int) -> int | None:
    pks = PlanProcess.objects.filter(plan_id=plan_id).order_by().values_list("pk", flat=True)
    return next((int(pk) for pk in pks), None)


def _process_pk(plan_id: int) -> int:
    pk = _find_process_pk(plan_id)
    if pk is None:
        raise InvalidTransition(_("This plan has not been submitted through its workflow yet."))
    return pk


def _open(process_pk: int, nodes: Iterable[Any] | None, **lookups: Any) -> list[Task]:
    tasks = Task.objects.filter(process_id=process_pk, finished__isnull=True, **lookups)
    if nodes is not None:
        tasks = tasks.filter(flow_task__in=list(nodes))
    # The plan (and the units the engine checks at) come along; its state is never read
    # from this copy after a service has run (the router reads it from the database).
    return list(
        tasks.select_related(
            "process__planprocess__plan__drafting_unit",
            "process__planprocess__plan__issuing_agency",
            "owner",
        ).order_by("pk")
    )


def _human_step(
    plan_id: int,
    user: Any,
    nodes: tuple[Any, ...],
    perform: Callable[[], T],
    *,
    during_consultation: bool = False,
    seen_state: str | None = None,
) -> T:
    # The flow layer's check and the service's re-check are one question: asked once.
    with one_step(), decisions_reused():
        process_pk, state = _locked_process(plan_id)
        if seen_state is not None and seen_state != state:
            # Another reviewer acted first: the step the user saw is gone. Say so, rather
            # than refuse the user's right at the step the plan is now at.
            raise InvalidTransition(
                _(
                    "The plan moved on while you had it open: it is now at “%(state)s”, "
                    "not “%(seen)s”. Nothing was changed; look at it again."
                )
                % {"state": _state_label(state), "seen": _state_label(seen_state)}
            )
        tasks = _open(process_pk, (*nodes, PlanFlow.answer) if during_consultation else nodes)
        if not tasks:
            _out_of_step(perform)
        if tasks[0].flow_task is PlanFlow.answer:
            # Nobody holds a task during the consultation: the service checks the
            # reviewer's right, then the agencies still waited for are settled.
            result = perform()
            with _known(result):
                _settle(tasks)
            return result
        activation = tasks[0].flow_task.activation_class(tasks[0])
        _claim(activation, user)
        result = perform()
        with _known(result):
            activation.execute()
        return result


def _locked_process(plan_id: int) -> tuple[int, str]:
    """The plan's process, found and row-locked in one query (what ``PlanFlow.lock`` locks,
    the same lock order), held until the step's transaction ends; and the plan's state
    read with it (flow steps change it only under that lock)."""
    rows = (
        PlanProcess.objects.filter(plan_id=plan_id)
        .select_for_update(of=("self",))
        .order_by()
        .values_list("pk", "plan__state")
    )
    row = next(iter(rows), None)
    if row is None:
        raise InvalidTransition(_("This plan has not been submitted through its workflow yet."))
    return int(row[0]), str(row[1])


def _known(result: object) -> AbstractContextManager[None]:
    """The router takes the state from the plan the service returned (its locked copy)."""
    return state_known(result) if isinstance(result, Plan) else nullcontext()


def _state_label(state: str) -> str:
    """A plan state's name as users read it (the code itself when it is not a state)."""
    return str(PlanState(state).label) if state in PlanState.values else state


def _claim(activation: Any, user: Any) -> None:
    """Assign the task to ``user`` if the engine allows it, then start it."""
    task = activation.task
    if task.status == STATUS.NEW:
        task.flow_task.decision(user, task).raise_if_refused()
        # Saved with the completion, in this same transaction (see _StepActivation).
        activation.save_assignment_later = True
        activation.assign(user)
    elif not activation.start.has_perm(user):
        raise ActionNotPermitted(
            _("This step is assigned to %(owner)s; only they can complete it.")
            % {"owner": user_label(task.owner)}
        )
    activation.start(None)  # a View's start ignores the request


def _out_of_step(perform: Callable[[], Any]) -> NoReturn:
    """No open task fits: the service says why (wrong state, already done…)."""
    perform()
    # The service accepted what the flow has no task for: refuse and roll back both.
    raise FlowRuntimeError("The plan's state and its workflow disagree; nothing was changed.")


def _settle(answers: list[Task]) -> None:
    """Complete the answer tasks of agencies that will not answer; the join then routes."""
    for task in answers:
        activation = task.flow_task.activation_class(task)
        activation.run(PlanFlow.instance.settle_answer)
        activation.execute()


def _reroute(canceled: list[Any]) -> None:
    """After canceling every open task, let the router end the flow for the new state."""
    if not canceled:
        raise FlowRuntimeError("A running plan workflow without an open task.")
    last = canceled[-1]
    token = last.task.token
    while token.is_split_token():
        token = token.get_base_split_token()
    route = PlanFlow.route._create(last, token)
    route.task.previous.add(*(activation.task for activation in canceled[:-1]))
    route._activate_next({route})


__all__ = [
    "STATE_NODES",
    "flow_answer",
    "flow_approve",
    "flow_close",
    "flow_close_due_consultations",
    "flow_issue",
    "flow_open_tasks",
    "flow_return",
    "flow_sign",
    "flow_submit",
    "flow_withdraw",
    "plan_process",
]
