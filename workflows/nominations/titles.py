"""How each title travels: its regulation, its candidates and its steps.

A title's ``steps`` list the steps after registration, in order. The dossier's state after
each step is fixed (:data:`STATE_AFTER`), so the step a dossier expects next follows from its
state and its title: a household list is posted after the village meeting and before
submission, a village list after the commune council's review, and an exemplary commune
is reviewed by the provincial council after submission and appraisal.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from approvals.organisation.models import UnitKind
from workflows.nominations.choices import CandidateState, DossierState, Title


class Step(enum.StrEnum):
    """A step of the nomination procedure after registration."""

    MEETING = "meeting"  # họp bình xét at the proposing unit: attendance and votes
    LOCAL_COUNCIL = "local_council"  # the proposing level's emulation council assesses
    POSTING = "posting"  # niêm yết công khai, with objections
    SUBMISSION = "submission"  # trình to the deciding level
    APPRAISAL = "appraisal"  # thẩm định at the deciding level (may return for supplement)
    COUNCIL = "council"  # the deciding level's emulation council
    DECISION = "decision"  # signed, numbered, recognitions recorded


#: What each step is called in messages.
STEP_LABELS = {
    Step.MEETING: _("the review meeting"),
    Step.LOCAL_COUNCIL: _("the proposing level's emulation council"),
    Step.POSTING: _("the public posting"),
    Step.SUBMISSION: _("the submission to the deciding level"),
    Step.APPRAISAL: _("the appraisal"),
    Step.COUNCIL: _("the deciding level's emulation council"),
    Step.DECISION: _("the decision"),
}

#: The dossier's state once a step is done (appraisal depends on the title: see below).
STATE_AFTER: dict[str, str] = {
    Step.MEETING: DossierState.MEETING,
    Step.LOCAL_COUNCIL: DossierState.MEETING,  # the council's review meeting (Mẫu 06)
    Step.POSTING: DossierState.POSTING,
    Step.SUBMISSION: DossierState.SUBMITTED,
    Step.COUNCIL: DossierState.DECISION,
    Step.DECISION: DossierState.DECIDED,
}

#: The state of the candidates still in the running once a step is done.
CANDIDATES_AFTER: dict[str, str] = {
    Step.MEETING: CandidateState.VOTED,
    Step.LOCAL_COUNCIL: CandidateState.VOTED,
    Step.POSTING: CandidateState.POSTED,
    Step.SUBMISSION: CandidateState.PROPOSED,
    Step.APPRAISAL: CandidateState.PROPOSED,
    Step.COUNCIL: CandidateState.PROPOSED,
    Step.DECISION: CandidateState.RECOGNISED,
}


@dataclass(frozen=True)
class TitleSpec:
    """The shape of a title's procedure; the numbers come from its regulation."""

    title: str
    regulation: str
    prefix: str
    candidate: str  # "household", "unit" or "person"
    proposing_kinds: tuple[str, ...]
    candidate_kinds: tuple[str, ...] = ()
    steps: tuple[Step, ...] = (Step.SUBMISSION, Step.APPRAISAL, Step.DECISION)
    report: bool = False  # each candidate needs an achievement report (báo cáo thành tích)
    deciding_key: str = ""
    decision_period_key: str = ""

    def __post_init__(self) -> None:
        # Both end in the MEETING state, so one title can have only one of them.
        if self.meeting and self.local_council:
            msg = f"{self.title}: a review meeting or a local council, not both"
            raise ValueError(msg)

    def key(self, name: str) -> str:
        """The regulation key of this title's rule ``name``."""
        return f"{self.prefix}.{name}"

    @property
    def deciding_level_key(self) -> str:
        """The rule naming the level that decides."""
        return self.deciding_key or self.key("deciding_level")

    @property
    def decision_period(self) -> str:
        """The rule giving the time limit for the decision."""
        return self.decision_period_key or self.key("decision_period")

    @property
    def meeting(self) -> bool:
        """Whether a review meeting votes on the candidates."""
        return Step.MEETING in self.steps

    @property
    def posting(self) -> bool:
        """Whether the list is posted publicly for objections."""
        return Step.POSTING in self.steps

    @property
    def council(self) -> bool:
        """Whether the deciding level's emulation council reviews after appraisal."""
        return Step.COUNCIL in self.steps

    @property
    def local_council(self) -> bool:
        """Whether the proposing level's emulation council reviews before submission."""
        return Step.LOCAL_COUNCIL in self.steps

    def state_after(self, step: Step) -> str:
        """The dossier's state once ``step`` is done."""
        if step == Step.APPRAISAL:
            return DossierState.COUNCIL if self.council else DossierState.DECISION
        return STATE_AFTER[step]

    def state_before(self, step: Step) -> str:
        """The state a dossier of this title is in when ``step`` comes next."""
        index = self.steps.index(step)
        return DossierState.REGISTRATION if index == 0 else self.state_after(self.steps[index - 1])

    def candidates_before(self, step: Step) -> str:
        """The state of the candidates still in the running when ``step`` comes next."""
        index = self.steps.index(step)
        return CandidateState.REGISTERED if index == 0 else CANDIDATES_AFTER[self.steps[index - 1]]

    def next_step(self, state: str) -> Step | None:
        """The step a dossier of this title in ``state`` expects next (None when decided)."""
        if state == DossierState.RETURNED:
            return Step.SUBMISSION
        for step in self.steps:
            if self.state_before(step) == state:
                return step
        return None


_WORKFLOW = (Step.SUBMISSION, Step.APPRAISAL, Step.COUNCIL, Step.DECISION)

SPECS: dict[str, TitleSpec] = {
    spec.title: spec
    for spec in (
        TitleSpec(
            Title.CULTURAL_FAMILY,
            "cultural_titles",
            "cultural_family",
            "household",
            proposing_kinds=(UnitKind.VILLAGE, UnitKind.RESIDENTIAL_GROUP),
            steps=(Step.MEETING, Step.POSTING, Step.SUBMISSION, Step.APPRAISAL, Step.DECISION),
        ),
        TitleSpec(
            # Decree 86/2023: the village head's report, the commune council's review
            # (Mẫu 06), 10 days' posting, then the dossier to the deciding level.
            Title.CULTURAL_VILLAGE,
            "cultural_titles",
            "cultural_village",
            "unit",
            proposing_kinds=(UnitKind.COMMUNE,),
            candidate_kinds=(UnitKind.VILLAGE, UnitKind.RESIDENTIAL_GROUP),
            steps=(
                Step.LOCAL_COUNCIL,
                Step.POSTING,
                Step.SUBMISSION,
                Step.APPRAISAL,
                Step.DECISION,
            ),
            report=True,
        ),
        TitleSpec(
            # Decree 86/2023 forms 07 to 09 and 12: proposal and report, provincial council
            # minutes, provincial decision.
            Title.EXEMPLARY_COMMUNE,
            "cultural_titles",
            "exemplary_commune",
            "unit",
            proposing_kinds=(UnitKind.DISTRICT, UnitKind.PROVINCE),
            candidate_kinds=(UnitKind.COMMUNE,),
            steps=_WORKFLOW,
            report=True,
        ),
        TitleSpec(
            Title.CULTURAL_STANDARD_ORGANIZATION,
            "emulation",
            "cultural_standard_organization",
            "unit",
            proposing_kinds=(UnitKind.STEERING_COMMITTEE, UnitKind.DEPARTMENT),
            candidate_kinds=(UnitKind.AGENCY, UnitKind.DEPARTMENT, UnitKind.DIVISION),
            steps=_WORKFLOW,
            report=True,
            deciding_key="cultural_standard_organization.first_deciding_level",
            decision_period_key="emulation.decision_period",
        ),
        TitleSpec(
            Title.ADVANCED_WORKER,
            "emulation",
            "advanced_worker",
            "person",
            proposing_kinds=(UnitKind.DEPARTMENT,),
            steps=_WORKFLOW,
            decision_period_key="emulation.decision_period",
        ),
        TitleSpec(
            Title.ADVANCED_COLLECTIVE,
            "emulation",
            "advanced_collective",
            "unit",
            proposing_kinds=(UnitKind.DEPARTMENT,),
            candidate_kinds=(UnitKind.DIVISION, UnitKind.DEPARTMENT_OFFICE),
            steps=_WORKFLOW,
            decision_period_key="emulation.decision_period",
        ),
        # The provincial awards an emulation bloc proposes for its best members (Cờ thi đua,
        # Bằng khen): the province's emulation office opens the dossier from the bloc's
        # proposal; rules in the "emulation_blocs" regulation (workflows/emulation).
        TitleSpec(
            Title.EMULATION_FLAG,
            "emulation_blocs",
            "emulation_flag",
            "unit",
            proposing_kinds=(UnitKind.PROVINCE,),
            candidate_kinds=(UnitKind.DEPARTMENT, UnitKind.AGENCY),
            steps=_WORKFLOW,
            report=True,
        ),
        TitleSpec(
            Title.PROVINCIAL_COMMENDATION,
            "emulation_blocs",
            "provincial_commendation",
            "unit",
            proposing_kinds=(UnitKind.PROVINCE,),
            candidate_kinds=(UnitKind.DEPARTMENT, UnitKind.AGENCY),
            steps=_WORKFLOW,
            report=True,
        ),
    )
}
