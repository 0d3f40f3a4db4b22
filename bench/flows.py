"""A bare viewflow flow: the plan's human steps on viewflow's own Process, nothing else.

It is the yardstick of ``bench/plans_flow.py``: the same number of human ``View`` tasks (and,
with ``--consultation``, the same split → one handle per agency → join) with no engine, no
permission resolution, no FSM and no audit trail.
"""

from __future__ import annotations

from typing import Any

from viewflow import this
from viewflow.workflow import flow, lock


def _no_page(request: Any, **kwargs: Any) -> Any:  # never mounted: steps are taken from code
    raise NotImplementedError


class BareFlow(flow.Flow):
    """Bare reference flow"""

    lock_impl = lock.SelectForUpdateLock(nowait=False)  # as PlanFlow's

    start = flow.StartHandle().Next(this.division_review)
    division_review = flow.View(_no_page).Next(this.format_check)
    format_check = flow.View(_no_page).Next(this.check_consult)
    check_consult = (
        flow.If(lambda activation: activation.process.data.get("agencies", 0) > 0)
        .Then(this.consult)
        .Else(this.sign)
    )
    consult = flow.Split().Always(this.answer_1).Always(this.answer_2)
    answer_1 = flow.Handle().Next(this.answers_in)
    answer_2 = flow.Handle().Next(this.answers_in)
    answers_in = flow.Join().Next(this.sign)
    sign = flow.View(_no_page).Next(this.register)
    register = flow.View(_no_page).Next(this.final_review)
    final_review = flow.View(_no_page).Next(this.end)
    end = flow.End()


class HouseholdFlow(flow.Flow):
    """One process per household: its recognition as one human step (the yardstick of
    ``bench/recognition.py`` for recognising households without bulk moves)."""

    lock_impl = lock.SelectForUpdateLock(nowait=False)

    start = flow.StartHandle().Next(this.recognise)
    recognise = flow.View(_no_page).Next(this.end)
    end = flow.End()
