"""The yardstick: the same candidate work one household and one step per transaction."""

from __future__ import annotations

from typing import Any

from bench.nominations_province import FAIL_EVERY, CommuneStaff, D
from bench.step_meter import Meter


def row_candidate_model() -> Any:
    """Candidate with one FSM transition per step, as a per-row service would have."""
    from django_fsm import transition

    from workflows.nominations.models import Candidate, CandidateState

    s = CandidateState

    class RowCandidate(Candidate):
        class Meta:
            proxy = True
            app_label = "bench"

        @transition(field="state", source=s.REGISTERED, target=s.VOTED)
        def vote(self) -> None:
            """Passed the meeting."""

        @transition(field="state", source=s.REGISTERED, target=s.NOT_VOTED)
        def fail(self) -> None:
            """Not passed."""

        @transition(field="state", source=s.VOTED, target=s.POSTED)
        def post(self) -> None:
            """Posted."""

        @transition(field="state", source=s.POSTED, target=s.PROPOSED)
        def propose(self) -> None:
            """Proposed."""

        @transition(field="state", source=s.PROPOSED, target=s.RECOGNISED)
        def recognise(self) -> None:
            """Recognised."""

    return RowCandidate


def one_at_a_time(meter: Meter, sample: list[tuple[CommuneStaff, Any, Any]], *, year: int) -> int:
    """The sample villages' candidate work, one household and one step per transaction."""
    from django.db import transaction

    from approvals.audit.services import SubjectRef, audit_record
    from approvals.organisation.resolver import require
    from workflows.nominations import services
    from workflows.nominations.models import CandidateState, Household, Title

    row_model = row_candidate_model()
    s = CandidateState
    moved = 0
    for staff, village, head in sample:
        dossier = services.dossier_create(
            user=head,
            title=Title.CULTURAL_FAMILY,
            year=year,
            proposing_unit=village,
            on=D(year, 10, 1),
        )
        households = list(Household.objects.filter(village=village).order_by("pk"))
        moved += len(households)
        authority = require(head, services.REGISTER, unit=village)
        decider = require(staff.clerk, services.NUMBER, unit=staff.unit)

        def audit(candidate: Any, action: str, old: str, new: str, who: Any, why: Any) -> None:
            audit_record(
                actor=who,
                action=action,
                subject=SubjectRef("nominations.candidate", str(candidate.pk), ""),
                from_state=old,
                to_state=new,
                authority=why,
            )

        rows: list[Any] = []
        for household in households:
            with meter.step("register"), transaction.atomic():
                row = row_model.objects.create(
                    dossier=dossier, title=dossier.title, year=year, household=household
                )
                audit(row, services.REGISTER, "", s.REGISTERED, head, authority)
            rows.append(row)
        kept: list[Any] = []
        for i, row in enumerate(rows):
            with meter.step("meeting"), transaction.atomic():
                row.votes_for, row.votes_cast = (10 if i % FAIL_EVERY == FAIL_EVERY - 1 else 30), 32
                (row.fail if row.votes_for == 10 else row.vote)()
                row.save()
                audit(row, services.MEETING, s.REGISTERED, row.state, head, authority)
            if row.state == s.VOTED:
                kept.append(row)
        for name, step, old, new, action in (
            ("posting", "post", s.VOTED, s.POSTED, services.POSTING),
            ("submit", "propose", s.POSTED, s.PROPOSED, services.SUBMIT),
        ):
            for row in kept:
                with meter.step(name), transaction.atomic():
                    getattr(row, step)()
                    row.save()
                    audit(row, action, old, new, head, authority)
        for row in kept:
            with meter.step("issue"), transaction.atomic():
                before = (
                    row_model.objects.filter(
                        title=row.title,
                        year=year - 1,
                        household_id=row.household_id,
                        state=s.RECOGNISED,
                    )
                    .values_list("consecutive_years", flat=True)
                    .first()
                )
                row.consecutive_years = (before or 0) + 1
                row.recognise()
                row.save()
                audit(row, services.DECIDE, s.PROPOSED, s.RECOGNISED, staff.clerk, decider)
    return moved
