"""Opening a nomination dossier at the level its regulation names."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from approvals.audit.services import audit_record
from approvals.calendar.services import deadline_start_until
from approvals.exceptions import ValidationFailed
from approvals.organisation.models import OrgUnit, UnitKind
from approvals.organisation.resolver import require
from approvals.regulations.services import RuleSet, rules_in_force
from workflows.nominations.cycle import REVIEW_DEADLINE, review_deadline
from workflows.nominations.models import Dossier, DossierState
from workflows.nominations.services._common import REGISTER, SUBJECT_TYPE, _fmt, _today
from workflows.nominations.titles import SPECS, TitleSpec


def deciding_unit_for(
    *, spec: TitleSpec, unit: OrgUnit, rules: RuleSet, on: datetime.date
) -> OrgUnit:
    """The unit at the level the regulation names, at or above ``unit`` on ``on``."""
    level = rules.unit_kind(spec.deciding_level_key)
    for ancestor in reversed(list(OrgUnit.objects.ancestors_of(unit))):
        if ancestor.kind == level and ancestor.is_active_on(on):
            return ancestor
    raise ValidationFailed(
        _(
            "The regulation in force on %(date)s has the %(level)s level decide, but no unit of "
            "that level stands above %(unit)s then."
        )
        % {"date": _fmt(on), "level": UnitKind(level).label, "unit": unit.name}
    )


@transaction.atomic
def dossier_create(
    *, user: Any, title: str, year: int, proposing_unit: OrgUnit, on: datetime.date | None = None
) -> Dossier:
    """Open a dossier; it keeps the rules in force on its start day and their deciding level."""
    day = on or _today()
    if title not in SPECS:
        raise ValidationFailed(_("Unknown title “%(title)s”.") % {"title": title})
    spec = SPECS[title]
    if proposing_unit.kind not in spec.proposing_kinds:
        raise ValidationFailed(
            _("A %(kind)s cannot propose this title.") % {"kind": proposing_unit.get_kind_display()}
        )
    authority = require(user, REGISTER, unit=proposing_unit, at=day)
    rules = rules_in_force(spec.regulation, on=day, unit=proposing_unit)
    deciding = deciding_unit_for(spec=spec, unit=proposing_unit, rules=rules, on=day)
    if Dossier.objects.filter(title=title, year=year, proposing_unit=proposing_unit).exists():
        raise ValidationFailed(
            _("%(unit)s already has a dossier for this title in %(year)s.")
            % {"unit": proposing_unit.name, "year": year}
        )
    dossier: Dossier = Dossier.objects.create(
        title=title,
        year=year,
        proposing_unit=proposing_unit,
        deciding_unit=deciding,
        started_on=day,
        regulation_versions=list(rules.version_ids),
        created_by=user,
    )
    audit_record(
        actor=user,
        action=REGISTER,
        subject=dossier,
        to_state=DossierState.REGISTRATION,
        authority=authority,
        payload={"deciding_unit": deciding.pk, "regulation_versions": list(rules.version_ids)},
    )
    review = review_deadline(spec, rules, year)
    if review is not None and review >= day:
        # the reminder pass reminds the proposing unit before the year's review closes
        deadline_start_until(
            subject_type=SUBJECT_TYPE,
            subject_id=dossier.pk,
            purpose=REVIEW_DEADLINE,
            due_on=review,
            started_on=day,
            user=user,
        )
    return dossier
