"""Helpers and action codes the nomination services share."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from approvals.audit.services import audit_record_each
from approvals.calendar.models import Deadline
from approvals.exceptions import InvalidTransition
from approvals.organisation.resolver import Authority, user_label
from workflows.nominations.models import Candidate, Dossier
from workflows.nominations.rules import dossier_rules as dossier_rules  # re-exported
from workflows.nominations.titles import SPECS, STEP_LABELS, Step, TitleSpec

if TYPE_CHECKING:
    from collections.abc import Sequence


REGISTER = "nominations.register_candidates"
MEETING = "nominations.record_meeting"
#: The audit action of a meeting recorded without the quorum (taken under ``MEETING``).
INQUORATE_MEETING = "nominations.record_inquorate_meeting"
POSTING = "nominations.run_posting"
SUBMIT = "nominations.submit_dossier"
APPRAISE = "nominations.appraise_dossier"
COUNCIL = "nominations.record_council"
DECIDE = "nominations.decide_dossier"
NUMBER = "nominations.number_decision"
REVOKE = "nominations.revoke_title"
#: Recording a decision issued on paper before it was entered (nhập quyết định giấy).
PAPER_DECISION = "nominations.record_paper_decision"

#: How deadlines and audit events name a dossier.
SUBJECT_TYPE = "nominations.dossier"

#: Candidate ids per ``UPDATE … WHERE id IN (…)`` when recording votes.
VOTES_BATCH = 2000

#: The audit subject type of a candidate.
CANDIDATE = "nominations.candidate"


def _fmt(day: datetime.date) -> str:
    return formats.date_format(day, "d/m/Y")


def _today() -> datetime.date:
    return timezone.localdate()


def _locked(dossier: Dossier) -> Dossier:
    locked: Dossier = (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("proposing_unit", "deciding_unit")
        .get(pk=dossier.pk)
    )
    return locked


def _deadline(deadline: Deadline | None) -> Deadline:
    if deadline is None:
        raise InvalidTransition(_("This step has no running time limit."))
    return deadline


def _spec(dossier: Dossier) -> TitleSpec:
    return SPECS[dossier.title]


def _expect(dossier: Dossier, step: Step) -> TitleSpec:
    """The dossier's title spec, if ``step`` is the step the dossier expects next."""
    spec = _spec(dossier)
    if step not in spec.steps:
        raise InvalidTransition(
            _("The title “%(title)s” has no step “%(step)s”.")
            % {"title": dossier.get_title_display(), "step": STEP_LABELS[step]}
        )
    expected = spec.next_step(dossier.state)
    if expected != step:
        raise InvalidTransition(
            _(
                "The dossier is in state “%(state)s”; for the title “%(title)s” the next step "
                "is %(next)s, not %(step)s."
            )
            % {
                "state": dossier.get_state_display(),
                "title": dossier.get_title_display(),
                "next": STEP_LABELS[expected] if expected else _("none (decided)"),
                "step": STEP_LABELS[step],
            }
        )
    return spec


def candidate_label(candidate: Candidate) -> str:
    """The household code, unit name or person's name of a candidate."""
    if candidate.household_id and candidate.household is not None:
        return str(candidate.household.code)
    if candidate.unit_id and candidate.unit is not None:
        return str(candidate.unit.name)
    return user_label(candidate.person)


def _move(
    dossier: Dossier,
    *,
    source: str,
    target: str,
    actor: Any,
    action: str,
    authority: Authority | None = None,
    only: Sequence[int] | None = None,
) -> int:
    """Move the dossier's candidates in ``source`` to ``target`` in one statement, audited."""
    qs = Candidate.objects.of_dossier(dossier).filter(state=source)
    if only is not None:
        qs = qs.filter(pk__in=only)
    ids = list(qs.values_list("pk", flat=True))
    if not ids:
        return 0
    # The dossier row is locked, so the same filter finds the same rows; without ``only``
    # it is cheaper than sending every id back.
    (qs if only is None else Candidate.objects.of_dossier(dossier).filter(pk__in=ids)).update(
        state=target
    )
    audit_record_each(
        subject_type=CANDIDATE,
        subject_ids=ids,
        actor=actor,
        action=action,
        from_state=source,
        to_state=target,
        authority=authority,
    )
    return len(ids)


def _share(part: int, whole: int) -> Decimal:
    return Decimal(part) * 100 / Decimal(whole) if whole else Decimal(0)
