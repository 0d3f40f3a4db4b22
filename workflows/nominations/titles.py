"""How each title travels: its regulation, its candidates and its steps."""

from __future__ import annotations

from dataclasses import dataclass

from approvals.organisation.models import UnitKind
from workflows.nominations.models import Title


@dataclass(frozen=True)
class TitleSpec:
    """The shape of a title's procedure; the numbers come from its regulation."""

    title: str
    regulation: str
    prefix: str
    candidate: str  # "household", "unit" or "person"
    proposing_kinds: tuple[str, ...]
    candidate_kinds: tuple[str, ...] = ()
    meeting: bool = False
    posting: bool = False
    council: bool = False
    deciding_key: str = ""
    decision_period_key: str = ""

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


SPECS: dict[str, TitleSpec] = {
    spec.title: spec
    for spec in (
        TitleSpec(
            Title.CULTURAL_FAMILY,
            "cultural_titles",
            "cultural_family",
            "household",
            proposing_kinds=(UnitKind.VILLAGE, UnitKind.RESIDENTIAL_GROUP),
            meeting=True,
            posting=True,
        ),
        TitleSpec(
            Title.CULTURAL_VILLAGE,
            "cultural_titles",
            "cultural_village",
            "unit",
            proposing_kinds=(UnitKind.COMMUNE,),
            candidate_kinds=(UnitKind.VILLAGE, UnitKind.RESIDENTIAL_GROUP),
            posting=True,
            council=True,
        ),
        TitleSpec(
            Title.EXEMPLARY_COMMUNE,
            "cultural_titles",
            "exemplary_commune",
            "unit",
            proposing_kinds=(UnitKind.DISTRICT, UnitKind.PROVINCE),
            candidate_kinds=(UnitKind.COMMUNE,),
            council=True,
        ),
        TitleSpec(
            Title.CULTURAL_STANDARD_ORGANIZATION,
            "emulation",
            "cultural_standard_organization",
            "unit",
            proposing_kinds=(UnitKind.STEERING_COMMITTEE, UnitKind.DEPARTMENT),
            candidate_kinds=(UnitKind.AGENCY, UnitKind.DEPARTMENT, UnitKind.DIVISION),
            council=True,
            deciding_key="cultural_standard_organization.first_deciding_level",
            decision_period_key="emulation.decision_period",
        ),
        TitleSpec(
            Title.ADVANCED_WORKER,
            "emulation",
            "advanced_worker",
            "person",
            proposing_kinds=(UnitKind.DEPARTMENT,),
            council=True,
            decision_period_key="emulation.decision_period",
        ),
        TitleSpec(
            Title.ADVANCED_COLLECTIVE,
            "emulation",
            "advanced_collective",
            "unit",
            proposing_kinds=(UnitKind.DEPARTMENT,),
            candidate_kinds=(UnitKind.DIVISION, UnitKind.DEPARTMENT_OFFICE),
            council=True,
            decision_period_key="emulation.decision_period",
        ),
    )
}
