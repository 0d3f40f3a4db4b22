"""The choices of the filters beside the search box, each taken through the user's scope:
the agencies and signers offered are those of documents and dossiers the user may read, so a
list never names a unit or a person the user could not find through the search itself."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import pgettext_lazy

from approvals.audit.models import Signature
from approvals.organisation.models import OrgUnit
from approvals.organisation.resolver import user_label
from approvals.registers.models import DocumentKind
from workflows.nominations.models import DossierState
from workflows.nominations.selectors import dossier_list_for
from workflows.plans.models import PlanState
from workflows.plans.selectors import plan_list_visible, plan_reach
from workflows.search.models import EntryKind
from workflows.search.selectors import DECISION

Choices = list[tuple[str, str]]


def kind_choices() -> Choices:
    """What a hit can be, in the order of the facets."""
    return [
        (EntryKind.DOCUMENT.value, str(pgettext_lazy("search kinds", "Documents"))),
        (DECISION, str(pgettext_lazy("search kinds", "Issued decisions"))),
        (EntryKind.DOSSIER.value, str(pgettext_lazy("search kinds", "Dossiers"))),
        (EntryKind.HOUSEHOLD.value, str(pgettext_lazy("search kinds", "Households"))),
    ]


def document_kind_choices() -> Choices:
    """The kinds of document (plan, decision, report…) by their code."""
    return [(kind.code, kind.name) for kind in DocumentKind.objects.order_by("name")]


def state_choices() -> list[tuple[str, Choices]]:
    """The states of plans and of dossiers, grouped (a plan state filters out dossiers and
    the other way round)."""
    return [
        (
            str(pgettext_lazy("search kinds", "Documents")),
            [(value, str(label)) for value, label in PlanState.choices],
        ),
        (
            str(pgettext_lazy("search kinds", "Dossiers")),
            [(value, str(label)) for value, label in DossierState.choices],
        ),
    ]


def visible_to(user: Any, day: datetime.date) -> tuple[Any, Any]:
    """The plans and the dossiers ``user`` may read (querysets, not yet run)."""
    return _visible(user, day)


def _visible(user: Any, day: datetime.date) -> tuple[Any, Any]:
    plans = plan_list_visible(reach=plan_reach(user=user, day=day)).order_by()
    dossiers = dossier_list_for(user=user, day=day).order_by()
    return plans, dossiers


def agency_choices(*, user: Any, day: datetime.date, visible: Any = None) -> Choices:
    """The issuing agencies of the documents and the units of the dossiers ``user`` may read
    (``visible``: the plans and dossiers, when the caller has them already)."""
    plans, dossiers = visible or _visible(user, day)
    units = OrgUnit.objects.filter(
        Q(pk__in=plans.values("issuing_agency_id"))
        | Q(pk__in=dossiers.values("deciding_unit_id"))
        | Q(pk__in=dossiers.values("proposing_unit_id"))
    ).order_by("path")
    return [(str(unit.pk), unit.name) for unit in units.only("pk", "name", "path")]


def signer_choices(*, user: Any, day: datetime.date, visible: Any = None) -> Choices:
    """The people who signed a document or a decision ``user`` may read."""
    plans, dossiers = visible or _visible(user, day)
    signatures = Signature.objects.filter(
        Q(pk__in=plans.filter(signature__isnull=False).values("signature_id"))
        | Q(pk__in=dossiers.filter(signature__isnull=False).values("signature_id"))
    )
    people = get_user_model().objects.filter(pk__in=signatures.values("signer_id"))
    rows = [(str(person.pk), user_label(person)) for person in people]
    return sorted(rows, key=lambda row: row[1])


__all__ = [
    "Choices",
    "agency_choices",
    "document_kind_choices",
    "kind_choices",
    "signer_choices",
    "state_choices",
    "visible_to",
]
