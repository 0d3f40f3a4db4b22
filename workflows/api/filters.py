"""List filters: unit (the object's unit or any unit under it), state, year, title, overdue."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from approvals.organisation.models import OrgUnit
from workflows.api.selectors import plan_overdue_q
from workflows.nominations.models import Candidate, CandidateState, Dossier, DossierState, Title
from workflows.plans.models import Plan, PlanState


class IntegerFilter(django_filters.NumberFilter):
    """A whole number within the database's integer range (a bigger one is a 400, not a 500)."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


def year_filter() -> IntegerFilter:
    """A year filter (the column is a small positive integer)."""
    return IntegerFilter(min_value=0, max_value=32767)


def _unit_path(value: Any) -> str | None:
    unit = OrgUnit.objects.filter(pk=value).values_list("path", flat=True).first()
    return str(unit) if unit else None


class PlanFilter(django_filters.FilterSet):
    unit = IntegerFilter(
        method="filter_unit", label=_("Issued or drafted by this unit or a unit under it")
    )
    state = django_filters.ChoiceFilter(choices=PlanState.choices)
    year = year_filter()
    title = django_filters.CharFilter(
        field_name="subject_summary", lookup_expr="icontains", label=_("Words of the subject")
    )
    overdue = django_filters.BooleanFilter(
        method="filter_overdue", label=_("With a report past its deadline")
    )

    class Meta:
        model = Plan
        fields = ["unit", "state", "year", "title", "overdue"]

    def filter_unit(self, queryset: QuerySet[Plan], name: str, value: int) -> QuerySet[Plan]:
        path = _unit_path(value)
        if path is None:
            return queryset.none()
        return queryset.filter(
            Q(issuing_agency__path__startswith=path) | Q(drafting_unit__path__startswith=path)
        )

    def filter_overdue(self, queryset: QuerySet[Plan], name: str, value: bool) -> QuerySet[Plan]:
        condition = plan_overdue_q(timezone.localdate())
        return queryset.filter(condition) if value else queryset.exclude(condition)


class DossierFilter(django_filters.FilterSet):
    unit = IntegerFilter(
        method="filter_unit", label=_("Proposed or decided by this unit or a unit under it")
    )
    state = django_filters.ChoiceFilter(choices=DossierState.choices)
    year = year_filter()
    title = django_filters.ChoiceFilter(choices=Title.choices)
    overdue = django_filters.BooleanFilter(label=_("Past the posting or decision time limit"))

    class Meta:
        model = Dossier
        fields = ["unit", "state", "year", "title", "overdue"]

    def filter_unit(self, queryset: QuerySet[Dossier], name: str, value: int) -> QuerySet[Dossier]:
        path = _unit_path(value)
        if path is None:
            return queryset.none()
        return queryset.filter(
            Q(proposing_unit__path__startswith=path) | Q(deciding_unit__path__startswith=path)
        )


class CandidateFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=CandidateState.choices)
    dossier = IntegerFilter()
    year = year_filter()
    title = django_filters.ChoiceFilter(choices=Title.choices)

    class Meta:
        model = Candidate
        fields = ["state", "dossier", "year", "title"]
