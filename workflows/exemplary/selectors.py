"""Reads of exemplary models: the ones a user may see and how far each has spread."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet

from approvals.organisation.models import Position
from workflows.exemplary.models import ExemplaryModel


def models_for(user: Any, *, on: datetime.date) -> QuerySet[ExemplaryModel]:
    """Models proposed in, verified by or reviewed at a unit the user works at or above.

    Each row carries ``adoption_count`` (the units that replicated it) and
    ``commendation_count``; one query whatever the number of models.
    """
    paths = list(
        Position.objects.active_on(on).filter(user_id=user.pk).values_list("unit__path", flat=True)
    )
    models: QuerySet[ExemplaryModel] = ExemplaryModel.objects.all()
    if not paths:
        return models.none()
    reach = Q(pk__in=[])
    for path in paths:
        reach |= (
            Q(proposing_unit__path__startswith=path)
            | Q(culture_office__path__startswith=path)
            | Q(committee__path__startswith=path)
        )
    return (
        models.filter(reach)
        .select_related("proposing_unit", "culture_office", "committee")
        .annotate(
            adoption_count=Count("adoptions", distinct=True),
            commendation_count=Count("commendations", distinct=True),
        )
        .order_by("-proposed_on", "name")
    )


def replication_count(model: ExemplaryModel) -> int:
    """How many units have adopted the model."""
    return model.adoptions.count()


__all__ = ["models_for", "replication_count"]
