"""A nomination dossier's road as a viewflow flow, kept in step with the dossier's FSM state.

The dossier's protected FSM ``state`` is the source of truth, and only the services of
:mod:`workflows.nominations.services` change it: each title takes its own road (a meeting or
not, a posting or not, a council or not) and the services choose it. The flow only follows:
after every step the ``route`` switch reads the dossier from the database and opens the one
task that :data:`STATE_STEPS` names for it. A state the table does not know stops the step
with :class:`UnknownDossierStep` (and rolls it back) instead of leaving a dossier stranded.

Who may take a task is the engine's decision (:func:`approvals.organisation.resolver.decide`),
asked with the action code and the unit the service itself checks; viewflow's activations
check nothing themselves: the functions of :mod:`workflows.nominations.flow_actions` ask
before every step. Achievement reports, objections during the posting and the revocation of
one candidate's title are not steps of the flow: they go through their services and leave the
flow as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock
from viewflow.workflow.activation import Activation
from viewflow.workflow.exceptions import FlowRuntimeError
from viewflow.workflow.models import Process
from viewflow.workflow.nodes.switch import SwitchActivation

from approvals.organisation.resolver import Decision, decide
from workflows.nominations.models import Dossier, DossierState
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
)

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

    from approvals.organisation.models import OrgUnit


class DossierProcess(Process):
    """The workflow of one nomination dossier: a real one-to-one link."""

    dossier = models.OneToOneField(
        Dossier, verbose_name=_("dossier"), on_delete=models.PROTECT, related_name="process"
    )

    class Meta:
        verbose_name = _("nomination workflow")
        verbose_name_plural = _("nomination workflows")
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.flow_class.process_title if self.flow_class else ''} #{self.pk}"


def dossier_of(process: Process) -> Dossier:
    """The dossier of a process; viewflow sometimes hands over the base ``Process`` row."""
    return process.coerced.dossier  # type: ignore[no-any-return]


# --- where each state leads ----------------------------------------------------------------

#: The stage of a decision that is signed and waits for its number. The ``decision`` state
#: holds two steps (the signature, then the numbering by the records clerk); the dossier's
#: signature tells them apart.
SIGNED_DECISION = "decision:signed"

#: The flow node each stage of a dossier waits for (a node name of :class:`DossierFlow`):
#: the one table to extend when the services gain a state. ``route`` refuses a stage that is
#: not listed here.
STATE_STEPS: dict[str, str] = {
    DossierState.REGISTRATION: "registration",
    DossierState.MEETING: "after_review",
    DossierState.POSTING: "submission",
    DossierState.SUBMITTED: "appraisal",
    DossierState.RETURNED: "supplement",
    DossierState.COUNCIL: "council",
    DossierState.DECISION: "signature",
    SIGNED_DECISION: "numbering",
    DossierState.DECIDED: "decided",
}


def stage_of(state: str, *, signed: bool) -> str:
    """The key of :data:`STATE_STEPS` for a dossier in ``state`` (signed or not)."""
    if state == DossierState.DECISION and signed:
        return SIGNED_DECISION
    return str(state)


def _stored_stage(dossier_id: int) -> str:
    state, signature_id = Dossier.objects.values_list("state", "signature_id").get(pk=dossier_id)
    return stage_of(state, signed=signature_id is not None)


def dossier_stage(dossier: Dossier) -> str:
    """The stage of ``dossier`` as stored in the database now."""
    return _stored_stage(dossier.pk)


class UnknownDossierStep(FlowRuntimeError):
    """The dossier reached a state for which the flow has no step: nothing is changed."""


# --- the human steps -----------------------------------------------------------------------


def _proposing_unit(dossier: Dossier) -> OrgUnit:
    return dossier.proposing_unit


def _deciding_unit(dossier: Dossier) -> OrgUnit:
    return dossier.deciding_unit


def _task_page(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    # Completing a step without its service would leave the dossier behind the flow; the task
    # pages (a later issue) call workflows.nominations.flow_actions instead of this placeholder.
    raise PermissionDenied(_("Take this step from the dossier's own page."))


StepAction = tuple[str, Callable[[Dossier], "OrgUnit"]]


class DossierStep(flow.View):
    """A human step on a dossier; the engine's resolver decides who may take it.

    A step lists the engine actions (with the unit each is checked at, as the services check
    it) that may complete it: those of the transitions the dossier's model allows from the
    state the step waits in (the registration, for instance, ends with the meeting, the
    local council, the posting or the submission, whichever the title puts first).

    The first is the step's own action, recorded on the task (``owner_permission`` and
    ``owner_permission_obj``; the action codes are also the dossier's Django permission
    names), so viewflow's own queue lists the task to holders of that permission; whoever
    holds a role needs a task list built on the resolver.
    """

    def __init__(self, *steps: StepAction) -> None:
        super().__init__(_task_page)
        self.steps: dict[str, Callable[[Dossier], OrgUnit]] = dict(steps)
        self.action = steps[0][0]
        self.Permission(self.action, obj=dossier_of)

    def takes(self, action: str) -> bool:
        """Does ``action`` (a service's action code) complete this step?"""
        return action in self.steps

    def decision(self, user: Any, task: Any, action: str | None = None) -> Decision:
        """The engine's answer to "may ``user`` take ``action`` here now?", with its reason."""
        # the uncoerced base row here: dossier_of coerces
        return self.decision_on(user, dossier_of(task.process), action)

    def decision_on(self, user: Any, dossier: Dossier, action: str | None = None) -> Decision:
        """The same question about ``dossier`` itself (before its workflow exists)."""
        code = action or self.action
        return decide(user, code, dossier, unit=self.steps[code](dossier))

    def can_assign(self, user: Any, task: Any) -> bool:
        """A free task, a signed-in user, and the engine allows one of the step's actions."""
        if task.owner_id or user is None or not user.is_authenticated:
            return False
        return any(self.decision(user, task, action).allowed for action in self.steps)


class _RouteActivation(SwitchActivation):
    @cached_property
    def dossier_stage(self) -> str:
        # Read from the database: the service changed the dossier through its own locked copy.
        return _stored_stage(self.process.dossier_id)

    @Activation.status.super()
    def activate(self) -> None:
        stage = self.dossier_stage
        name = STATE_STEPS.get(stage)
        nodes = {node.name: node for node, _condition in self.flow_task._branches}
        if name not in nodes:
            raise UnknownDossierStep(
                f"Dossier #{self.process.dossier_id} is in the state {stage!r}, for which "
                f"{self.flow_class.__name__} has no step: add it to STATE_STEPS."
            )
        self.next_task = nodes[name]


def _at(stage: str) -> Callable[[_RouteActivation], bool]:
    def condition(activation: _RouteActivation) -> bool:
        return activation.dossier_stage == stage

    return condition


def _router() -> flow.Switch:
    """The switch with one case per row of :data:`STATE_STEPS` (the edges of the chart)."""
    route = flow.Switch(activation_class=_RouteActivation).Annotation(
        title=_("Next step of the dossier")
    )
    for stage, name in STATE_STEPS.items():
        route = route.Case(getattr(this, name), _at(stage))
    return route


#: Registering candidates keeps the dossier in registration; the review (the meeting, or the
#: proposing level's council where the title has one), the posting or the submission ends
#: it, whichever the title's order puts first (the services know it).
_REGISTRATION: tuple[StepAction, ...] = (
    (REGISTER, _proposing_unit),
    (MEETING, _proposing_unit),
    (COUNCIL, _proposing_unit),
    (POSTING, _proposing_unit),
    (SUBMIT, _proposing_unit),
)


class DossierFlow(flow.Flow):
    """Nomination dossier from registration to decision

    A proposing unit (a village, a commune, a department…) registers its candidates for a
    title and a year. Where the title requires them, a review meeting or the emulation
    council of the proposing level reviews them and the list is posted publicly; the dossier
    then goes to the deciding level. The culture officer there appraises it and may return
    it for supplement; the emulation council reviews it where the title requires it; the
    competent leader signs the recognition decision and the records clerk numbers it, which
    recognises every candidate kept.
    """

    process_class = DossierProcess
    # A row lock on the process, waited for (see PlanFlow: viewflow's ready-made lock asks
    # NOWAIT and retries inside its own atomic block, which fails inside a caller's one).
    lock_impl = lock.SelectForUpdateLock(nowait=False)
    process_title = _("Nomination dossier from registration to decision")
    process_description = _(
        "A proposing unit registers its candidates for a title and a year. Where the title "
        "requires them, a review meeting or the emulation council of the proposing level "
        "reviews them and the list is posted publicly; the dossier then goes to the deciding "
        "level. The culture officer there appraises it and may return it for supplement; the "
        "emulation council reviews it where the title requires it; the competent leader signs "
        "the recognition decision and the records clerk numbers it, which recognises every "
        "candidate kept."
    )

    start = flow.StartHandle(this.start_process).Annotation(title=_("Opened")).Next(this.route)
    route = _router()
    registration = (
        DossierStep(*_REGISTRATION)
        .Annotation(title=_("Register and review the candidates"))
        .Next(this.route)
    )
    after_review = (
        DossierStep((POSTING, _proposing_unit), (SUBMIT, _proposing_unit))
        .Annotation(title=_("Post the reviewed list, or submit it"))
        .Next(this.route)
    )
    submission = (
        DossierStep((SUBMIT, _proposing_unit))
        .Annotation(title=_("After the posting, submit to the deciding level"))
        .Next(this.route)
    )
    appraisal = (
        DossierStep((APPRAISE, _deciding_unit))
        .Annotation(title=_("Appraise the dossier"))
        .Next(this.route)
    )
    supplement = (
        DossierStep((SUBMIT, _proposing_unit))
        .Annotation(title=_("Supplement and resubmit"))
        .Next(this.route)
    )
    council = (
        DossierStep((COUNCIL, _deciding_unit))
        .Annotation(title=_("Emulation council review"))
        .Next(this.route)
    )
    signature = (
        # A decision issued on paper and recorded after the fact ends the step too.
        DossierStep((DECIDE, _deciding_unit), (PAPER_DECISION, _deciding_unit))
        .Annotation(title=_("Sign the recognition decision"))
        .Next(this.route)
    )
    numbering = (
        DossierStep((NUMBER, _deciding_unit))
        .Annotation(title=_("Number the decision and record the titles"))
        .Next(this.route)
    )
    decided = flow.End().Annotation(title=_("Decided"))

    def start_process(self, activation: Activation, *, dossier: Dossier, user: Any) -> Process:
        """Attach the dossier to the new process."""
        activation.process.dossier = dossier
        activation.task.owner = user
        return activation.process


__all__ = [
    "SIGNED_DECISION",
    "STATE_STEPS",
    "DossierFlow",
    "DossierProcess",
    "DossierStep",
    "UnknownDossierStep",
    "dossier_of",
    "dossier_stage",
    "stage_of",
]
