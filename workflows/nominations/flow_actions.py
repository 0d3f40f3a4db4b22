"""Take a dossier's steps through its flow: the programmatic API for tests, views and the API.

Each function runs in one transaction under the process lock. It finds the open task that
the service's action completes, asks the engine whether the user may take that action there
(viewflow's activations check nothing), assigns and starts the task, calls the dossier
service (which checks again, moves the FSM state and writes the audit events) and completes
the task; the flow then routes itself to the task the new state calls for. A refusal rolls
everything back: the task stays exactly as it was, unassigned if it was free.

Achievement reports (:func:`~workflows.nominations.services.candidate_report_record`),
objections during the posting (:func:`~workflows.nominations.services.objection_record`) and
the revocation of one title (:func:`~workflows.nominations.services.candidate_revoke`) are
not steps: call their services directly; they leave the flow as it is.

Lock order is always the process row, then the dossier row (the services lock the dossier).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from typing import Any, NoReturn, TypeVar

from django.db import transaction
from django.utils.translation import gettext as _
from viewflow.workflow import flow
from viewflow.workflow.exceptions import FlowRuntimeError
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from approvals.acts import ActKind, act_date_check
from approvals.exceptions import ActionNotPermitted, InvalidTransition
from approvals.organisation.models import OrgUnit
from approvals.organisation.resolver import decisions_reused, user_label
from workflows.nominations import esign, imports
from workflows.nominations.flows import STATE_STEPS, DossierFlow, DossierProcess, DossierStep
from workflows.nominations.models import Candidate, Dossier, Household, Meeting
from workflows.nominations.paper_models import PaperDecision
from workflows.nominations.services import (
    APPRAISE,
    COUNCIL,
    DECIDE,
    MEETING,
    NUMBER,
    PAPER_DECISION,
    POSTING,
    REGISTER,
    SUBMIT,
    candidates_register,
    council_record,
    decision_checks,
    decision_issue,
    decision_issue_check,
    dossier_accept,
    dossier_decide,
    dossier_return,
    dossier_submit,
    meeting_record,
    paper_decision_record,
    posting_open,
)

T = TypeVar("T")


def _nodes(name: str) -> tuple[Any, ...]:
    node = getattr(DossierFlow, name)
    return () if isinstance(node, flow.End) else (node,)


#: The flow nodes whose tasks are open while the dossier is at each stage (derived from
#: :data:`~workflows.nominations.flows.STATE_STEPS`).
STATE_NODES: dict[str, tuple[Any, ...]] = {
    stage: _nodes(name) for stage, name in STATE_STEPS.items()
}


def dossier_process(dossier: Dossier) -> DossierProcess | None:
    """The dossier's workflow, or None before it was started."""
    process: DossierProcess | None = DossierProcess.objects.filter(dossier_id=dossier.pk).first()
    return process


def flow_open_tasks(dossier: Dossier) -> list[Task]:
    """The unfinished tasks of the dossier's workflow, oldest first."""
    return list(
        Task.objects.filter(process__dossierprocess__dossier_id=dossier.pk, finished__isnull=True)
        .select_related("owner")
        .order_by("pk")
    )


# --- the steps -----------------------------------------------------------------------------


def flow_start(dossier: Dossier, user: Any) -> DossierProcess:
    """Start the workflow of a dossier, normally right after ``dossier_create``.

    Whoever may register candidates for the proposing unit starts it. The first task is the
    one the dossier's state calls for, so a dossier moved by the bare services so far is
    picked up where it stands.
    """
    with transaction.atomic():
        # The dossier row serialises two starts (no process row exists yet to lock).
        locked = (
            Dossier.objects.select_for_update(of=("self",))
            .select_related("proposing_unit")
            .get(pk=dossier.pk)
        )
        if DossierProcess.objects.filter(dossier_id=locked.pk).exists():
            raise InvalidTransition(_("This dossier's workflow has already been started."))
        DossierFlow.registration.decision_on(user, locked, REGISTER).raise_if_refused()
        process: DossierProcess = DossierFlow.start.run(dossier=locked, user=user)
        return process


def flow_register(
    dossier: Dossier,
    user: Any,
    *,
    households: Sequence[Household] = (),
    units: Sequence[OrgUnit] = (),
    people: Sequence[Any] = (),
    on: datetime.date | None = None,
) -> list[Candidate]:
    """Register a batch of candidates; the registration step is offered again afterwards."""
    return _human_step(
        dossier.pk,
        user,
        REGISTER,
        lambda: candidates_register(
            dossier=dossier, user=user, households=households, units=units, people=people, on=on
        ),
    )


def flow_meeting(
    dossier: Dossier,
    user: Any,
    *,
    held_on: datetime.date,
    invited: int,
    present: int,
    votes: dict[int, int],
    chaired_by: str,
    minutes: str = "",
) -> Meeting:
    """Record the review meeting and its votes."""
    return _human_step(
        dossier.pk,
        user,
        MEETING,
        lambda: meeting_record(
            dossier=dossier,
            user=user,
            held_on=held_on,
            invited=invited,
            present=present,
            votes=votes,
            chaired_by=chaired_by,
            minutes=minutes,
        ),
    )


def flow_meeting_from_sheet(
    dossier: Dossier,
    user: Any,
    *,
    data: bytes,
    filename: str,
    held_on: datetime.date,
    invited: int,
    present: int,
    chaired_by: str,
    minutes: str = "",
    progress: imports.Progress | None = None,
) -> Meeting:
    """Record the review meeting with the votes read from a sheet, as the meeting step of
    the dossier's flow (the sheet is checked whole before anything is written)."""
    return _human_step(
        dossier.pk,
        user,
        MEETING,
        lambda: imports.votes_import(
            dossier=dossier,
            user=user,
            data=data,
            filename=filename,
            held_on=held_on,
            invited=invited,
            present=present,
            chaired_by=chaired_by,
            minutes=minutes,
            progress=progress,
        ),
    )


def flow_open_posting(dossier: Dossier, user: Any, *, on: datetime.date | None = None) -> Dossier:
    """Post the eligible list publicly for the regulation's period."""
    return _human_step(
        dossier.pk, user, POSTING, lambda: posting_open(dossier=dossier, user=user, on=on)
    )


def flow_submit(dossier: Dossier, user: Any, *, on: datetime.date | None = None) -> Dossier:
    """Submit the dossier to the deciding level, or resubmit it after a return."""
    return _human_step(
        dossier.pk, user, SUBMIT, lambda: dossier_submit(dossier=dossier, user=user, on=on)
    )


def flow_return(
    dossier: Dossier, user: Any, *, comment: str, on: datetime.date | None = None
) -> Dossier:
    """The appraisal returns the dossier for supplement (the decision clock stops)."""
    return _human_step(
        dossier.pk,
        user,
        APPRAISE,
        lambda: dossier_return(dossier=dossier, user=user, comment=comment, on=on),
    )


def flow_accept(dossier: Dossier, user: Any, *, comment: str = "") -> Dossier:
    """The appraisal finds the dossier complete."""
    return _human_step(
        dossier.pk,
        user,
        APPRAISE,
        lambda: dossier_accept(dossier=dossier, user=user, comment=comment),
    )


def flow_council(
    dossier: Dossier,
    user: Any,
    *,
    minutes: str,
    refused: Sequence[Candidate] = (),
    held_on: datetime.date | None = None,
    members: int | None = None,
    present: int | None = None,
    votes: dict[int, int] | None = None,
) -> Dossier:
    """Record an emulation council's review: the proposing level's before the submission
    (a commune's council on its villages) or the deciding level's after the appraisal."""
    return _human_step(
        dossier.pk,
        user,
        COUNCIL,
        lambda: council_record(
            dossier=dossier,
            user=user,
            minutes=minutes,
            refused=refused,
            held_on=held_on,
            members=members,
            present=present,
            votes=votes,
        ),
    )


@esign.refusal_recorded(esign.SIGN_REFUSED)
def flow_decide(
    dossier: Dossier,
    user: Any,
    *,
    on: datetime.date | None = None,
    late_reason: str = "",
    pin: str | None = None,
) -> Dossier:
    """The competent leader signs the recognition decision (``pin``: of their token)."""
    return _human_step(
        dossier.pk,
        user,
        DECIDE,
        lambda: dossier_decide(dossier=dossier, user=user, on=on, late_reason=late_reason, pin=pin),
    )


def flow_decide_batch(
    dossiers: Sequence[Dossier],
    user: Any,
    *,
    late_reason: str = "",
    pin: str | None = None,
    on: datetime.date | None = None,
) -> list[esign.BatchOutcome]:
    """Ký hàng loạt: the leader signs several decisions with one opening of their key;
    each decision is its own step with its own outcome."""
    return esign.decisions_sign(
        dossiers, user=user, pin=pin, late_reason=late_reason, on=on, decide=flow_decide
    )


@esign.refusal_recorded(esign.ISSUE_REFUSED)
def flow_issue_decision(
    dossier: Dossier,
    user: Any,
    *,
    on: datetime.date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Dossier:
    """The records clerk numbers the signed decision; the candidates kept are recognised
    (``progress``: a background job's, see :mod:`workflows.nominations.jobs_decisions`)."""
    return _human_step(
        dossier.pk,
        user,
        NUMBER,
        lambda: decision_issue(dossier=dossier, user=user, on=on, progress=progress),
    )


def flow_issue_check(dossier: Dossier, user: Any) -> None:
    """Refuse, as :func:`flow_issue_decision` would and changing nothing, a user who may not
    number the decision now: asked before the numbering is started as a background job."""
    _step_check(dossier, user, NUMBER, lambda: decision_issue_check(dossier=dossier, user=user))


def flow_decide_check(dossier: Dossier, user: Any, *, late_reason: str = "") -> None:
    """Refuse, as :func:`flow_decide` would before signing and changing nothing, a user who
    may not sign the decision now: asked before the signing is started as a background job."""

    def check() -> None:
        day = act_date_check(ActKind.DECISION, None, unit=dossier.deciding_unit)
        decision_checks(dossier, user, day, late_reason)

    _step_check(dossier, user, DECIDE, check)


def flow_paper_decision(
    dossier: Dossier,
    user: Any,
    *,
    number: int,
    signed_on: datetime.date,
    signer: Any,
    scan: Any,
    symbol: str = "",
    note: str = "",
) -> PaperDecision:
    """The records clerk enters the decision issued on paper; the candidates are recognised
    and the dossier is decided (see :mod:`workflows.nominations.services.paper_decisions`)."""
    return _human_step(
        dossier.pk,
        user,
        PAPER_DECISION,
        lambda: paper_decision_record(
            dossier=dossier,
            user=user,
            number=number,
            symbol=symbol,
            signed_on=signed_on,
            signer=signer,
            scan=scan,
            note=note,
        ),
    )


# --- machinery -----------------------------------------------------------------------------


def _process_pk(dossier_id: int) -> int:
    pks = DossierProcess.objects.filter(dossier_id=dossier_id).order_by().values_list("pk")
    pk = next((int(row[0]) for row in pks), None)
    if pk is None:
        raise InvalidTransition(_("This dossier's workflow has not been started."))
    return pk


def _open_for(process_pk: int, action: str) -> Task | None:
    """The open task that ``action`` completes, if any."""
    tasks = (
        Task.objects.filter(process_id=process_pk, finished__isnull=True)
        .select_related(
            "process__dossierprocess__dossier__proposing_unit",
            "process__dossierprocess__dossier__deciding_unit",
            "owner",
        )
        .order_by("pk")
    )
    for task in tasks:
        node = task.flow_task
        if isinstance(node, DossierStep) and node.takes(action):
            return task
    return None


def _human_step(dossier_id: int, user: Any, action: str, perform: Callable[[], T]) -> T:
    # The flow layer's check and the service's re-check are one question: asked once.
    with transaction.atomic(), decisions_reused():
        process_pk = _process_pk(dossier_id)
        with DossierFlow.lock(process_pk):
            task = _open_for(process_pk, action)
            if task is None:
                _out_of_step(perform)
            activation = task.flow_task.activation_class(task)
            _claim(activation, user, action)
            result = perform()
            activation.task.data["action"] = action
            activation.execute()
            return result


def _step_check(dossier: Dossier, user: Any, action: str, check: Callable[[], Any]) -> None:
    """The checks of :func:`_human_step` and of the service (``check``), nothing done."""
    with transaction.atomic(), decisions_reused():
        task = _open_for(_process_pk(dossier.pk), action)
        if task is None:
            check()  # the service says why
            raise FlowRuntimeError(
                "The dossier's state and its workflow disagree; nothing was changed."
            )
        task.flow_task.decision(user, task, action).raise_if_refused()
        if task.status != STATUS.NEW and task.owner_id != user.pk:
            raise ActionNotPermitted(
                _("This step is assigned to %(owner)s; only they can complete it.")
                % {"owner": user_label(task.owner)}
            )
        check()


def _claim(activation: Any, user: Any, action: str) -> None:
    """Assign the task to ``user`` if the engine allows ``action``, then start it."""
    task = activation.task
    task.flow_task.decision(user, task, action).raise_if_refused()
    if task.status == STATUS.NEW:
        activation.assign(user)
    elif task.owner_id != user.pk:
        raise ActionNotPermitted(
            _("This step is assigned to %(owner)s; only they can complete it.")
            % {"owner": user_label(task.owner)}
        )
    if task.status == STATUS.ASSIGNED:
        activation.start(None)  # a View's start ignores the request


def _out_of_step(perform: Callable[[], Any]) -> NoReturn:
    """No open task fits: the service says why (wrong state, wrong title, already done…)."""
    perform()
    # The service accepted what the flow has no task for: refuse and roll back both.
    raise FlowRuntimeError("The dossier's state and its workflow disagree; nothing was changed.")


__all__ = [
    "STATE_NODES",
    "dossier_process",
    "flow_accept",
    "flow_council",
    "flow_decide",
    "flow_decide_batch",
    "flow_decide_check",
    "flow_issue_check",
    "flow_issue_decision",
    "flow_meeting",
    "flow_open_posting",
    "flow_open_tasks",
    "flow_paper_decision",
    "flow_register",
    "flow_return",
    "flow_start",
    "flow_submit",
]
