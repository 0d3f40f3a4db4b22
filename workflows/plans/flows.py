"""The plan's road as a viewflow flow, kept in step with the plan's FSM state.

The plan's protected FSM ``state`` is the source of truth, and only the services of
:mod:`workflows.plans.services` change it. The flow follows the state: after every step the
``route`` switch reads the state from the database and opens the one task that state calls
for, so the open task and the state cannot drift apart (a resubmitted plan goes back to the
step that returned it because the service chose that state, not because the flow knows).

Who may take a task is the engine's decision (:func:`approvals.organisation.resolver.decide`),
never a Django permission alone. viewflow's activations check nothing themselves: the
functions of :mod:`workflows.plans.flow_actions` ask before every step.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import F
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock
from viewflow.workflow.activation import Activation
from viewflow.workflow.exceptions import FlowRuntimeError
from viewflow.workflow.models import Process
from viewflow.workflow.nodes.end import EndActivation
from viewflow.workflow.nodes.split import SplitActivation
from viewflow.workflow.nodes.switch import SwitchActivation
from viewflow.workflow.nodes.view import ViewActivation
from viewflow.workflow.status import PROCESS, STATUS

from approvals.exceptions import InvalidTransition
from approvals.organisation.resolver import Decision, decide
from workflows.plans.models import Consultation, ConsultationStatus, Plan, PlanState
from workflows.plans.services import (
    ANSWER,
    CLOSE,
    DRAFT,
    ISSUE,
    STEP_ACTION,
    consultation_answer,
    step_unit,
)

if TYPE_CHECKING:
    import datetime

    from django.http import HttpRequest, HttpResponse

    from approvals.organisation.models import OrgUnit


class PlanProcess(Process):
    """The workflow of one plan: a real one-to-one link, so a plan has at most one."""

    plan = models.OneToOneField(
        Plan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="process"
    )

    class Meta:
        verbose_name = _("plan workflow")
        verbose_name_plural = _("plan workflows")
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.flow_class.process_title if self.flow_class else ''} #{self.pk}"


def plan_of(process: Process) -> Plan:
    """The plan of a process; viewflow sometimes hands over the base ``Process`` row."""
    return process.coerced.plan  # type: ignore[no-any-return]


def _unit_of_step(step: str) -> Callable[[Plan], OrgUnit]:
    def unit(plan: Plan) -> OrgUnit:
        return step_unit(plan, step)

    return unit


def _issuing_agency(plan: Plan) -> OrgUnit:
    return plan.issuing_agency


def _drafting_unit(plan: Plan) -> OrgUnit:
    return plan.drafting_unit


def _task_page(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    # Completing a step without its service would leave the plan behind the flow; the task
    # pages (a later issue) call workflows.plans.flow_actions instead of this placeholder.
    raise PermissionDenied(_("Take this step from the plan's own page."))


class _StepActivation(ViewActivation):
    """viewflow's human task, whose assignment the flow actions may save with its end.

    A flow action assigns, starts and completes the task in one transaction
    (:func:`workflows.plans.flow_actions._claim`): it sets ``save_assignment_later`` and
    the assignment (owner, status) is written by the completion's own ``UPDATE`` of the
    task, one statement instead of two. A step that fails rolls back either way.
    """

    save_assignment_later = False

    @Activation.status.transition(
        source=STATUS.NEW,
        target=STATUS.ASSIGNED,
        permission=lambda activation, user: activation.flow_task.can_assign(user, activation.task),
    )
    def assign(self, user: Any) -> None:
        """Assign ``user`` to the task (saved now, unless the step saves it at its end)."""
        self.task.owner = user
        if not self.save_assignment_later:
            self.task.save()


class PlanStep(flow.View):
    """A human step on the plan; the engine's resolver decides who may take it.

    The engine action is also recorded on the task (``owner_permission`` and
    ``owner_permission_obj``; the action codes are also the plan's Django permission
    names). viewflow's own queue therefore lists a task only to holders of that Django
    permission (global, or a guardian grant on the plan); whoever holds a role needs a
    task list built on the resolver.
    """

    activation_class = _StepActivation

    def __init__(self, action: str, unit: Callable[[Plan], OrgUnit]) -> None:
        super().__init__(_task_page)
        self.action = action
        self._unit_of = unit
        self.Permission(action, obj=plan_of)

    def decision(self, user: Any, task: Any) -> Decision:
        """The engine's answer to "may ``user`` take this task now?", with its reason."""
        plan = plan_of(task.process)  # the uncoerced base row here: plan_of coerces
        return decide(user, self.action, plan, unit=self._unit_of(plan))

    def can_assign(self, user: Any, task: Any) -> bool:
        """A free task, a signed-in user, and the engine allows the action."""
        if task.owner_id or user is None or not user.is_authenticated:
            return False
        return self.decision(user, task).allowed


class AgencyAnswer(flow.Handle):
    """One consulted agency's answer: one task per agency, completed from code."""

    @staticmethod
    def consultation(task: Any) -> Consultation:
        """The consultation this task waits for."""
        return Consultation.objects.select_related("agency", "plan").get(
            pk=task.data["consultation"]
        )

    def decision(self, user: Any, task: Any) -> Decision:
        """May ``user`` answer for the task's agency? (as the service asks it)."""
        return decide(user, ANSWER, unit=self.consultation(task).agency)


class _ForEachSplitActivation(SplitActivation):
    @Activation.status.super()
    def activate(self) -> None:
        for node, case, data_source in self.flow_task._branches:
            if case is not None and not case(self):
                continue
            if data_source is None:
                self.next_tasks.append((node, None))
            else:
                self.next_tasks.extend((node, item) for item in data_source(self))
        if not self.next_tasks:
            raise FlowRuntimeError(
                gettext("No next task available for %(task)s") % {"task": self.flow_task.name}
            )


class ForEachSplit(flow.Split):
    """A parallel split that opens one task per item of a data source.

    viewflow 2.4's ``Split`` documents ``Next(node, case=None, data_source=None)`` but its
    ``Next`` takes no ``data_source`` and its activation opens every branch once.
    """

    activation_class = _ForEachSplitActivation

    def Next(  # noqa: N802 -- viewflow's fluent API
        self,
        node: Any,
        case: Callable[[Activation], bool] | None = None,
        data_source: Callable[[Activation], list[dict[str, Any]]] | None = None,
    ) -> ForEachSplit:
        """Open ``node`` when ``case`` holds, once per item of ``data_source`` if given."""
        self._activate_next.append((node, case, data_source))
        return self


#: The plan and the state a service just left it in, under the step's locks (see
#: :func:`state_known`): the router then needs no query to read it.
_KNOWN_STATE: ContextVar[tuple[int, str] | None] = ContextVar("plans_known_state", default=None)


@contextmanager
def state_known(plan: Plan) -> Iterator[None]:
    """Inside the block the router takes ``plan``'s state from this copy, not the database.

    For the flow actions only, around completing the task of a step whose service has
    just moved ``plan`` (its own row-locked copy, returned by the service) in the same
    transaction, under the process lock.
    """
    token = _KNOWN_STATE.set((plan.pk, str(plan.state)))
    try:
        yield
    finally:
        _KNOWN_STATE.reset(token)


class _RouteActivation(SwitchActivation):
    @cached_property
    def plan_state(self) -> str:
        known = _KNOWN_STATE.get()
        if known is not None and known[0] == self.process.plan_id:
            return known[1]
        # Read from the database: the service changed the plan through its own locked copy.
        return str(Plan.objects.values_list("state", flat=True).get(pk=self.process.plan_id))

    @Activation.status.super()
    def activate(self) -> None:
        """viewflow's switch, without its savepoint: the state is read (a failure rolls
        the whole step back) before the branches are tested, in Python alone, so nothing
        inside the guard writes or reads the database and a savepoint has nothing to undo."""
        _ = self.plan_state  # read here, outside the guard
        with self.exception_guard():
            for node, cond in self.flow_task._branches:
                if not cond or cond(self):
                    self.next_task = node
                    break
            if not self.next_task:
                raise FlowRuntimeError(f"No next task available for {self.flow_task.name}")


def _at(state: str) -> Callable[[_RouteActivation], bool]:
    def condition(activation: _RouteActivation) -> bool:
        return activation.plan_state == state

    return condition


class _WithdrawnEndActivation(EndActivation):
    @Activation.status.super()
    def activate(self) -> None:
        super().activate.original()
        if self.process.status == PROCESS.DONE:
            self.process.status = PROCESS.CANCELED
            self.process.save(update_fields=["status"])


class PlanFlow(flow.Flow):
    """Plan from draft to closure

    A plan goes from its drafter to the division head, then to the department office for
    the format check and, when asked, to the member agencies of the steering committee for
    their opinion. A leader signs it; the records clerk numbers, dispatches and files it; it
    is then in force until its final review closes it. Any review can send it back to the
    drafter, and the drafter can withdraw it until it is signed.
    """

    process_class = PlanProcess
    # A row lock on the process, waited for. viewflow's ready-made select_for_update_lock
    # asks NOWAIT and retries by catching the error inside its own atomic block: within the
    # caller's transaction (every flow action has one) that leaves the savepoint aborted
    # and the retry fails with "current transaction is aborted".
    lock_impl = lock.SelectForUpdateLock(nowait=False)
    process_title = _("Plan from draft to closure")
    process_description = _(
        "A plan goes from its drafter to the division head, then to the department office "
        "for the format check and, when asked, to the member agencies of the steering "
        "committee for their opinion. A leader signs it; the records clerk numbers, "
        "dispatches and files it; it is then in force until its final review closes it. Any "
        "review can send it back to the drafter, and the drafter can withdraw it until it "
        "is signed."
    )

    start = flow.StartHandle(this.start_process).Annotation(title=_("Submitted")).Next(this.route)
    route = (
        flow.Switch(activation_class=_RouteActivation)
        .Annotation(title=_("Next step of the plan"))
        .Case(this.revise, _at(PlanState.DRAFT))
        .Case(this.division_review, _at(PlanState.DIVISION_REVIEW))
        .Case(this.format_check, _at(PlanState.FORMAT_CHECK))
        .Case(this.consult, _at(PlanState.CONSULTATION))
        .Case(this.sign, _at(PlanState.SIGNATURE))
        .Case(this.register, _at(PlanState.SIGNED))
        .Case(this.final_review, _at(PlanState.IN_FORCE))
        .Case(this.closed, _at(PlanState.CLOSED))
        .Case(this.withdrawn, _at(PlanState.WITHDRAWN))
    )
    revise = (
        PlanStep(DRAFT, _drafting_unit)
        .Annotation(title=_("Revise and resubmit"))
        .Assign(this.drafter_of)
        .Next(this.route)
    )
    division_review = (
        PlanStep(STEP_ACTION[PlanState.DIVISION_REVIEW], _unit_of_step(PlanState.DIVISION_REVIEW))
        .Annotation(title=_("Division head review"))
        .Next(this.route)
    )
    format_check = (
        PlanStep(STEP_ACTION[PlanState.FORMAT_CHECK], _unit_of_step(PlanState.FORMAT_CHECK))
        .Annotation(title=_("Format check"))
        .Next(this.route)
    )
    consult = (
        ForEachSplit()
        .Annotation(title=_("Ask the member agencies"))
        .Next(this.answer, data_source=this.consultation_items)
    )
    answer = (
        AgencyAnswer(this.record_answer)
        .Annotation(title=_("Agency's answer"))
        .Next(this.answers_in)
    )
    answers_in = flow.Join().Annotation(title=_("All answered or deadline passed")).Next(this.route)
    sign = (
        PlanStep(STEP_ACTION[PlanState.SIGNATURE], _unit_of_step(PlanState.SIGNATURE))
        .Annotation(title=_("Sign"))
        .Next(this.route)
    )
    register = (
        PlanStep(ISSUE, _issuing_agency)
        .Annotation(title=_("Number, dispatch and file"))
        .Next(this.route)
    )
    final_review = (
        PlanStep(CLOSE, _issuing_agency)
        .Annotation(title=_("Final review and closure"))
        .Next(this.route)
    )
    closed = flow.End().Annotation(title=_("Closed"))
    withdrawn = flow.End(activation_class=_WithdrawnEndActivation).Annotation(title=_("Withdrawn"))

    def start_process(self, activation: Activation, *, plan: Plan, user: Any) -> PlanProcess:
        """Attach the submitted plan to the new process."""
        activation.process.plan = plan
        activation.task.owner = user
        return activation.process  # type: ignore[no-any-return]

    def drafter_of(self, activation: Activation) -> Any:
        """A returned plan goes straight back to its own drafter."""
        return plan_of(activation.process).author

    def consultation_items(self, activation: Activation) -> list[dict[str, Any]]:
        """One item per agency still to answer on the plan's current revision."""
        rows = list(
            Consultation.objects.filter(
                plan_id=activation.process.plan_id,
                revision__number=F("plan__revision_number"),
                status=ConsultationStatus.PENDING,
            )
            .order_by("pk")
            .values_list("pk", "agency_id")
        )
        if not rows:
            raise InvalidTransition(
                gettext("No agency is waiting to answer on this revision of the plan.")
            )
        return [{"consultation": pk, "agency": agency} for pk, agency in rows]

    def record_answer(
        self,
        activation: Activation,
        *,
        consultation: Consultation,
        user: Any,
        answer: str,
        on: datetime.date | None = None,
    ) -> Consultation:
        """The agency answers through the service; the task keeps who answered and how."""
        answered = consultation_answer(consultation=consultation, user=user, answer=answer, on=on)
        activation.task.owner = user
        activation.task.data["outcome"] = answered.status
        return answered

    def settle_answer(self, activation: Activation) -> None:
        """The step closed without this agency's answer (deadline passed, or returned)."""
        status = (
            Consultation.objects.filter(pk=activation.task.data["consultation"])
            .values_list("status", flat=True)
            .get()
        )
        activation.task.data["outcome"] = status


__all__ = ["AgencyAnswer", "ForEachSplit", "PlanFlow", "PlanProcess", "PlanStep", "plan_of"]
