"""The leader's drafts of a bloc's year: rules, plan, scoring table, targets; comments."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from approvals.audit.hashing import sha256_hex
from approvals.audit.services import audit_record
from approvals.exceptions import ValidationFailed
from approvals.organisation.models import OrgUnit
from approvals.organisation.resolver import require
from workflows.emulation.models import (
    BlocYear,
    BlocYearState,
    CovenantTarget,
    Criterion,
    DraftComment,
    TargetKind,
)
from workflows.emulation.services.guards import (
    COMMENT,
    MANAGE,
    _decimal,
    _in_state,
    _locked,
    _member,
)
from workflows.nominations.models import Title


@transaction.atomic
def drafts_update(
    *,
    bloc_year: BlocYear,
    user: Any,
    theme: str | None = None,
    rules_text: str | None = None,
    plan_text: str | None = None,
    covenant_text: str | None = None,
) -> BlocYear:
    """The leader's drafts of the rules (quy chế), the plan and the covenant."""
    locked = _locked(bloc_year)
    _in_state(locked, BlocYearState.DRAFTING)
    authority = require(user, MANAGE, locked)
    changed: list[str] = []
    for field, value in (
        ("theme", theme),
        ("rules_text", rules_text),
        ("plan_text", plan_text),
        ("covenant_text", covenant_text),
    ):
        if value is not None and value.strip() != getattr(locked, field):
            setattr(locked, field, value.strip())
            changed.append(field)
    if changed:
        locked.save(update_fields=changed)
        audit_record(
            actor=user,
            action=MANAGE,
            subject=locked,
            from_state=locked.state,
            to_state=locked.state,
            content_hash=locked.content_hash(),
            authority=authority,
            payload={"changed": changed},
        )
    return locked


@transaction.atomic
def criteria_set(
    *, bloc_year: BlocYear, user: Any, criteria: Sequence[tuple[str, Any]]
) -> list[Criterion]:
    """Replace the scoring table (bảng điểm): each criterion with its maximum points."""
    locked = _locked(bloc_year)
    _in_state(locked, BlocYearState.DRAFTING)
    authority = require(user, MANAGE, locked)
    if not criteria:
        raise ValidationFailed(_("The scoring table needs at least one criterion."))
    rows = []
    for position, (name, maximum) in enumerate(criteria, start=1):
        points = _decimal(maximum, what=_("The maximum points"))
        if not name.strip() or points <= 0:
            raise ValidationFailed(
                _("Criterion %(position)s needs a name and a maximum above zero.")
                % {"position": position}
            )
        rows.append(
            Criterion(bloc_year=locked, position=position, name=name.strip(), max_points=points)
        )
    locked.criteria.all().delete()
    created = Criterion.objects.bulk_create(rows)
    audit_record(
        actor=user,
        action=MANAGE,
        subject=locked,
        from_state=locked.state,
        to_state=locked.state,
        content_hash=locked.content_hash(),
        authority=authority,
        payload={"criteria": [[c.name, str(c.max_points)] for c in rows]},
    )
    return created


@dataclass(frozen=True)
class TargetSpec:
    """A covenant target to set: its text and, for a share target, what is counted."""

    text: str
    kind: str = TargetKind.STATEMENT
    title: str = ""
    target_percent: Any = None


@transaction.atomic
def targets_set(
    *, bloc_year: BlocYear, user: Any, targets: Sequence[TargetSpec]
) -> list[CovenantTarget]:
    """Replace the covenant's targets (chỉ tiêu)."""
    locked = _locked(bloc_year)
    _in_state(locked, BlocYearState.DRAFTING)
    authority = require(user, MANAGE, locked)
    rows = []
    for position, spec in enumerate(targets, start=1):
        if not spec.text.strip() or spec.kind not in TargetKind.values:
            raise ValidationFailed(
                _("Target %(position)s needs a text and a known kind.") % {"position": position}
            )
        percent = None
        if spec.kind != TargetKind.STATEMENT:
            if spec.title not in Title.values:
                raise ValidationFailed(
                    _("Target %(position)s counts an unknown title “%(title)s”.")
                    % {"position": position, "title": spec.title}
                )
            percent = _decimal(spec.target_percent, what=_("The target share"))
            if not Decimal(0) < percent <= Decimal(100):
                raise ValidationFailed(
                    _("Target %(position)s: a share must be above 0 and at most 100%%.")
                    % {"position": position}
                )
        rows.append(
            CovenantTarget(
                bloc_year=locked,
                position=position,
                text=spec.text.strip(),
                kind=spec.kind,
                title=spec.title if spec.kind != TargetKind.STATEMENT else "",
                target_percent=percent,
            )
        )
    locked.targets.all().delete()
    created = CovenantTarget.objects.bulk_create(rows)
    audit_record(
        actor=user,
        action=MANAGE,
        subject=locked,
        from_state=locked.state,
        to_state=locked.state,
        content_hash=locked.content_hash(),
        authority=authority,
        payload={"targets": [t.text for t in rows]},
    )
    return created


@transaction.atomic
def draft_comment(*, bloc_year: BlocYear, user: Any, unit: OrgUnit, text: str) -> DraftComment:
    """A member comments on the drafts before the covenant is opened for signature."""
    locked = _locked(bloc_year)
    _in_state(locked, BlocYearState.DRAFTING)
    _member(locked, unit)
    authority = require(user, COMMENT, locked, unit=unit)
    if not text.strip():
        raise ValidationFailed(_("The comment is empty."))
    comment: DraftComment = DraftComment.objects.create(
        bloc_year=locked, unit=unit, author=user, text=text.strip()
    )
    audit_record(
        actor=user,
        action=COMMENT,
        subject=comment,
        authority=authority,
        content_hash=sha256_hex(comment.text.encode()),
        payload={"bloc_year": locked.pk, "unit": unit.pk},
    )
    return comment
