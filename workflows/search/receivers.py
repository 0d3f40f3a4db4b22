"""The saves that change what the search finds, each followed in its own transaction.

A plan is indexed when its revision is written (the services write the first one with the
plan), a dossier when it is created, a number when it is issued or voided.

Signals rather than calls from the services: the plans and nominations packages stay
unaware of the search (it sits above them), and every path that saves through the ORM is
covered. Households created in bulk (imports, the demo) announce themselves with
:data:`workflows.nominations.signals.households_added`. A save with ``raw`` (fixtures) is
left to ``manage.py search_reindex``.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from approvals.registers.models import RegisterEntry
from workflows.nominations.models import Dossier, Household
from workflows.nominations.signals import households_added
from workflows.plans.models import Plan, PlanRevision
from workflows.search import indexing
from workflows.search.models import EntryKind

_UID = "workflows.search"


def _revision_saved(
    sender: Any, instance: PlanRevision, created: bool, raw: bool = False, **_: Any
) -> None:
    if created and not raw:
        indexing.index_plans([instance.plan_id], revision=instance)


def _dossier_saved(
    sender: Any, instance: Dossier, created: bool, raw: bool = False, **_: Any
) -> None:
    if created and not raw:
        indexing.index_dossiers([instance.pk])


def _household_saved(sender: Any, instance: Household, raw: bool = False, **_: Any) -> None:
    if not raw:
        indexing.index_households([instance.pk])


def _households_added(sender: Any, household_ids: list[int], **_: Any) -> None:
    indexing.index_households(household_ids)


def _entry_saved(sender: Any, instance: RegisterEntry, raw: bool = False, **_: Any) -> None:
    if not raw:
        indexing.number_added(instance)


def _deleted(kind: str) -> Any:
    def receiver(sender: Any, instance: Any, **_: Any) -> None:
        indexing.remove(kind, [instance.pk])

    return receiver


_PLAN_DELETED = _deleted(EntryKind.DOCUMENT)
_DOSSIER_DELETED = _deleted(EntryKind.DOSSIER)
_HOUSEHOLD_DELETED = _deleted(EntryKind.HOUSEHOLD)


def connect() -> None:
    """Connect the receivers (once: each has its dispatch uid)."""
    post_save.connect(_revision_saved, sender=PlanRevision, dispatch_uid=f"{_UID}.revision")
    post_save.connect(_dossier_saved, sender=Dossier, dispatch_uid=f"{_UID}.dossier")
    post_save.connect(_household_saved, sender=Household, dispatch_uid=f"{_UID}.household")
    post_save.connect(_entry_saved, sender=RegisterEntry, dispatch_uid=f"{_UID}.number")
    households_added.connect(_households_added, dispatch_uid=f"{_UID}.households")
    post_delete.connect(_PLAN_DELETED, sender=Plan, dispatch_uid=f"{_UID}.plan_gone")
    post_delete.connect(_DOSSIER_DELETED, sender=Dossier, dispatch_uid=f"{_UID}.dossier_gone")
    post_delete.connect(_HOUSEHOLD_DELETED, sender=Household, dispatch_uid=f"{_UID}.household_gone")
